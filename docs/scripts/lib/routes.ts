/**
 * The two routes of every page. The Console route needs nothing but this site and
 * a Twilio account; whatever needs the repository (commands, paths in it, `.env`,
 * the workspace) sits in a section whose heading carries CLONE_BADGE, or in a
 * block or tab whose title says "clone". docs/test/routes.test.ts holds every
 * page to it.
 */

/** Put after a heading: the section (and its subsections) needs a clone. */
export const CLONE_BADGE = '<Badge type="info" text="clone が必要" />';

/** The box under each page's title that says how to read the two routes. */
export function routesMarkdown(): string {
  return [
    '::: tip このページの 2 つの進め方',
    '',
    '「Console で進める」と「Console で確かめる」は、このサイトと Twilio アカウントだけで最後まで進められます。',
    `${CLONE_BADGE} の付いた節、「clone」と書かれた枠やタブは、リポジトリを clone して手元で進める人向けです。読み飛ばしてかまいません。`,
    '',
    ':::',
    '',
  ].join('\n');
}

/** What only a clone has: commands, paths in the repository, `.env`, the workspace. */
export const CLONE_ONLY: readonly RegExp[] = [
  /\bpnpm\b/,
  /\bpackages\//,
  /(^|[^\w.])\.env\b/,
  /git clone/,
  /作業フォルダー/,
  /\bstep:(start|check|diff|solution)\b/,
];

export interface RouteProblem {
  line: number;
  text: string;
}

/**
 * Lines of a page (its includes already inlined) that name something only a clone
 * has, outside a section marked with CLONE_BADGE and outside a `:::` block whose
 * title says clone. Lines that say "clone" themselves (a tab label, a block title)
 * are marked by their own words. Code imports (`<<<`) are the site's own build.
 */
export function cloneOnlyOutsideMarks(markdown: string): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const headings: { level: number; clone: boolean }[] = [];
  const blocks: boolean[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((text, index) => {
    const fenceMatch = /^(`{3,}|~{3,})/.exec(text.trim());
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1] ?? null;
      else if (text.trim().startsWith(fence)) fence = null;
    } else if (fence === null) {
      const heading = /^(#{1,6})\s/.exec(text);
      if (heading) {
        const level = heading[1]?.length ?? 1;
        while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
        headings.push({ level, clone: text.includes(CLONE_BADGE) });
      }
      const container = /^:::+\s*(\S.*)?$/.exec(text.trim());
      if (container) {
        if (container[1]) blocks.push(/clone/.test(container[1]));
        else blocks.pop();
        return;
      }
    }
    const marked =
      headings.some((heading) => heading.clone) ||
      blocks.some(Boolean) ||
      text.includes('clone') ||
      text.trimStart().startsWith('<<<');
    if (!marked && CLONE_ONLY.some((pattern) => pattern.test(text))) {
      problems.push({ line: index + 1, text });
    }
  });
  return problems;
}
