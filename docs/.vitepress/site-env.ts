import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the site takes from the machine that builds it, read once by the config
 * and by scripts/generate.ts (a separate process, same environment): where it
 * is served, and where the repository is.
 */

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the site is served: `/` by default, or a sub-path such as `/kit-docs/`
 * (GitHub Pages serves a project at `/<repository>/`).
 */
export function docsBase(value: string | undefined = process.env.DOCS_BASE): string {
  const base = value?.trim() || '/';
  if (!base.startsWith('/') || !base.endsWith('/') || base.includes('//')) {
    throw new Error(
      `DOCS_BASE must start and end with "/" (like /kit-docs/), got ${JSON.stringify(value)}`,
    );
  }
  return base;
}

/** `git@github.com:o/r.git`, `git+https://github.com/o/r.git`, `github:o/r` → `https://github.com/o/r`. */
export function webUrlOf(value: string): string | null {
  const text = value.trim();
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(text);
  if (shorthand) return `https://github.com/${shorthand[1]}/${shorthand[2]?.replace(/\.git$/, '')}`;
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?\/?$/.exec(text);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const url = /^(?:git\+)?(https?):\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(text);
  if (url) return `${url[1]}://${url[2]}/${url[3]}`;
  return null;
}

export interface RepositorySources {
  /** GitHub Actions' `GITHUB_SERVER_URL` and `GITHUB_REPOSITORY` (the Pages workflow sets both). */
  env?: Record<string, string | undefined>;
  /** The root package.json's `repository` (a string or `{ url }`). */
  packageJson?: unknown;
  /** `git remote get-url origin` of the checkout (a fresh clone has one). */
  gitOrigin?: () => string | null;
}

/**
 * The repository's web URL (`https://github.com/owner/name`), or null when nothing
 * names it: `KIT_REPOSITORY_URL`, then the build's GitHub environment, then
 * package.json's `repository`, then the checkout's `origin` remote.
 */
export function repositoryUrl(sources: RepositorySources = defaultSources()): string | null {
  const env = sources.env ?? {};
  const explicit = env.KIT_REPOSITORY_URL?.trim();
  if (explicit) return webUrlOf(explicit) ?? explicit.replace(/\/+$/, '');
  const server = env.GITHUB_SERVER_URL?.trim();
  const repository = env.GITHUB_REPOSITORY?.trim();
  if (server && repository) return `${server.replace(/\/+$/, '')}/${repository}`;
  const field = (sources.packageJson as { repository?: unknown } | undefined)?.repository;
  const fromPackage =
    typeof field === 'string' ? field : (field as { url?: unknown } | undefined)?.url;
  if (typeof fromPackage === 'string' && webUrlOf(fromPackage)) return webUrlOf(fromPackage);
  const origin = sources.gitOrigin?.() ?? null;
  return origin ? webUrlOf(origin) : null;
}

function defaultSources(): RepositorySources {
  return {
    env: process.env,
    packageJson: JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')),
    gitOrigin: () => {
      try {
        return execFileSync('git', ['remote', 'get-url', 'origin'], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
      } catch {
        return null;
      }
    },
  };
}

/** The `git clone` URL of a web URL (GitHub and most hosts take the web URL + `.git`). */
export function cloneUrlOf(webUrl: string): string {
  return `${webUrl}.git`;
}
