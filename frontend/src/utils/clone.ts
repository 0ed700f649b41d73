/**
 * A deep copy of JSON data, also of Vue's reactive proxies (structuredClone refuses a proxy with a
 * DataCloneError, which left a form half filled and its save clearing the fields after the failure).
 */
export const plainCopy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
