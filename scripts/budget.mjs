// The byte budgets (gzip as served, Zopfli) that `make size` and tests/dist check, and the goals
// of issue 14 printed beside them. A budget is what the build reaches plus a little room; lower
// it when a change saves bytes, so the room is not spent by accident.
export const BUDGET = { everyPage: 60_000, bothStages: 213_900 };
export const GOAL = { everyPage: 60_000, bothStages: 160_000 };

// Sums a manifest's files (gzip) the way a learner downloads them: every page gets the loader
// and the banner stage; opening help adds the full stage and, in a language other than English,
// its strings (the largest list counted).
export function stageTotals(files) {
  const sum = (pick) => Object.values(files).filter(pick).reduce((t, f) => t + f.gzip, 0);
  const everyPage = sum((f) => f.stage === 'banner' && !f.locale);
  const strings = Math.max(0, ...Object.values(files).filter((f) => f.locale).map((f) => f.gzip));
  const fullStage = sum((f) => f.stage === 'full' && !f.locale) + strings;
  return { everyPage, fullStage, bothStages: everyPage + fullStage };
}
