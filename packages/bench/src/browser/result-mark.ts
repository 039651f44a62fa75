/** Prefix of the one stdout line carrying the browser run's JSON result. */
export const RESULT_MARK = 'BENCH_BROWSER_RESULT ';
