/** English messages of the composer's attachments (issue 9); attachments.zh-CN.ts has exactly the same keys (typed). */
export default {
  att: {
    attach: 'Attach',
    remove: 'Remove {name}',
    tooBig: '{name} is too big: at most 10 MB',
    tooMany: 'At most {n} files per reply',
    failed: '{name} could not be uploaded; try again',
    uploading: 'Wait until the files are uploaded',
    download: 'Download {name}',
    downloadFailed: 'The file could not be opened',
  },
};
