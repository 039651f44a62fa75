import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { FUNCTIONS_PACKAGE_DIR } from '../steps-dir.js';

/**
 * How a step's Functions become the JavaScript Twilio runs: the TypeScript
 * compiler, nothing else. Each Function file is checked as a module of its own
 * (as Node loads it), then emitted alone as CommonJS with its comments, so the
 * deployed file, the Console tab of the docs and the learner's reference are
 * the same code. A file with no import or export emits exactly
 * `exports.handler = function (context, event, callback) { … }`.
 */

/** Global names of Twilio's handler types (`Context`, `ServerlessCallback`, …) for every step. */
export const STEP_TYPES_FILE = join(FUNCTIONS_PACKAGE_DIR, 'steps/twilio-functions.d.ts');

/** The options every step is checked with: steps/tsconfig.json, the one a learner's editor uses too. */
const CHECK_OPTIONS = readStepsCompilerOptions();

function readStepsCompilerOptions(): ts.CompilerOptions {
  const configFile = join(FUNCTIONS_PACKAGE_DIR, 'steps/tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configFile));
  return { ...parsed.options, noEmit: true };
}

const EMIT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  newLine: ts.NewLineKind.LineFeed,
  removeComments: false,
};

const LIBRARY_FILES = new Map<string, ts.SourceFile>();

export interface SourceProblem {
  /** Path as given (the caller decides how to show it). */
  file: string;
  /** 1-based; 0 when the problem is not tied to a line. */
  line: number;
  column: number;
  message: string;
  /** The problem in Japanese, for a learner, when the kit knows better words than tsc. */
  japanese?: string;
}

export interface SourceFile {
  fileName: string;
  text: string;
}

/** Type-checks Function sources (in memory: the docs check stages that exist nowhere on disk). */
export function checkFunctionSources(files: readonly SourceFile[]): SourceProblem[] {
  const byPath = new Map(files.map((file) => [resolve(file.fileName), file.text]));
  const host = ts.createCompilerHost(CHECK_OPTIONS, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => byPath.get(resolve(name)) ?? readFile(name);
  host.fileExists = (name) => byPath.has(resolve(name)) || fileExists(name);
  host.getSourceFile = (name, version, onError, create) => {
    const text = byPath.get(resolve(name));
    if (text !== undefined) return ts.createSourceFile(name, text, version, true);
    // Library and type files do not change while the kit runs: parse them once.
    const cached = LIBRARY_FILES.get(name);
    if (cached) return cached;
    const parsed = getSourceFile(name, version, onError, create);
    if (parsed) LIBRARY_FILES.set(name, parsed);
    return parsed;
  };
  const program = ts.createProgram([...byPath.keys(), STEP_TYPES_FILE], CHECK_OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map(toProblem);
}

/** The JavaScript of one Function file, as the TypeScript compiler emits it. */
export function emitFunction(file: SourceFile): { js: string; problems: SourceProblem[] } {
  const result = ts.transpileModule(file.text, {
    compilerOptions: EMIT_OPTIONS,
    fileName: file.fileName,
    reportDiagnostics: true,
  });
  const problems = (result.diagnostics ?? []).map(toProblem);
  // An import or export makes the file an ES module: tsc then wraps it in
  // `Object.defineProperty(exports, "__esModule", …)` and `require` helpers.
  if (/\bObject\.defineProperty\(exports, "__esModule"/.test(result.outputText)) {
    problems.push({
      file: file.fileName,
      line: 0,
      column: 0,
      message: 'a Function file uses import or export',
      japanese:
        'Function のファイルでは import / export を使わず、exports.handler = function (context, event, callback) { … } の形で書いてください(Twilio や Runtime はランタイムのグローバルです)。',
    });
  }
  return { js: result.outputText, problems };
}

/**
 * The source map of `emitFunction`'s output, made only when needed (an error to
 * show at the learner's line): the deployed file carries no map comment.
 */
export function emitSourceMap(file: SourceFile): string | undefined {
  return ts.transpileModule(file.text, {
    compilerOptions: { ...EMIT_OPTIONS, sourceMap: true },
    fileName: file.fileName,
  }).sourceMapText;
}

export function readSource(fileName: string): SourceFile {
  return { fileName, text: readFileSync(fileName, 'utf8') };
}

function toProblem(diagnostic: ts.Diagnostic): SourceProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined)
    return { file: '', line: 0, column: 0, message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: diagnostic.file.fileName, line: line + 1, column: character + 1, message };
}
