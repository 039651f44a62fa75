/** Hostile inputs tried and answered as documented, per target, printed as a table after a file. */
export class Counts {
  private readonly rows = new Map<string, { tried: number; documented: number }>();

  constructor(private readonly title: string) {}

  record(target: string, answeredAsDocumented: boolean): void {
    const row = this.rows.get(target) ?? { tried: 0, documented: 0 };
    row.tried += 1;
    if (answeredAsDocumented) row.documented += 1;
    this.rows.set(target, row);
  }

  get(target: string): { tried: number; documented: number } {
    return this.rows.get(target) ?? { tried: 0, documented: 0 };
  }

  print(): void {
    const lines = [`| ${this.title} | tried | documented answer |`, '| --- | --- | --- |'];
    for (const [target, row] of this.rows) {
      lines.push(`| ${target} | ${row.tried} | ${row.documented} |`);
    }
    console.log(lines.join('\n'));
  }
}
