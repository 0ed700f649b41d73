import type en from './attachments.en';

/** 回复附件的中文文案（issue 9）；与 attachments.en.ts 键完全一致。 */
export default {
  att: {
    attach: '添加附件',
    remove: '移除 {name}',
    tooBig: '{name} 太大：最大 10 MB',
    tooMany: '每条回复最多 {n} 个文件',
    failed: '{name} 上传失败，请重试',
    uploading: '请等待文件上传完成',
    download: '下载 {name}',
    downloadFailed: '无法打开该文件',
  },
} satisfies typeof en;
