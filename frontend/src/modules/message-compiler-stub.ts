/**
 * Stands in for `@intlify/message-compiler` in the web build (frontend/vite.config.ts alias): vue-i18n's
 * core imports the compiler for messages given as strings, but this app passes its own `messageCompiler`
 * (src/modules/message-compiler.ts) to createI18n, so vue-i18n's is never called. Only what
 * `@intlify/core-base` imports from it is here, with the same behaviour for what is still reached (errors).
 * Source of the names and values: @intlify/message-compiler 11.x dist/message-compiler.mjs.
 */
export const COMPILE_ERROR_CODES_EXTEND_POINT = 17;
export const CompileErrorCodes = {} as Record<string, number>;

export function createCompileError(code: number, loc?: unknown, options: { domain?: string } = {}): SyntaxError {
  const error = new SyntaxError(String(code)) as SyntaxError & { code: number; location?: unknown; domain?: string };
  error.code = code;
  if (loc) error.location = loc;
  error.domain = options.domain;
  return error;
}

export function defaultOnError(error: unknown): never {
  throw error;
}

const RE_HTML_TAG = /<\/?[\w\s="/.':;#-/]+>/;
export const detectHtmlTag = (source: string): boolean => RE_HTML_TAG.test(source);

export function baseCompile(): never {
  throw new Error("vue-i18n's message compiler is not in this build: createI18n needs the app's messageCompiler");
}
