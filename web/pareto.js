// Pareto-optimal runs: a run is optimal when no other run is at least as good on every
// objective and strictly better on one. Objectives here: accuracy (higher is better),
// cost per item and mean latency per item (lower is better).
//
// A run without a reported cost cannot be placed on the cost axis: when some run of the
// set has a cost, only runs with a cost (and a latency) are ranked, on all three; when no
// run has one, all runs with a latency are ranked on accuracy and latency. Runs left out
// are `unranked`, never optimal. Equal runs do not dominate each other (both optimal).

// points: [{id, accuracy, cost?, latency?}] -> {optimal: Set(id), ranked: Set(id), byCost}
export function paretoOptimal(points) {
  const byCost = points.some((p) => isNum(p.cost));
  const ranked = points.filter((p) => isNum(p.accuracy) && isNum(p.latency) && (!byCost || isNum(p.cost)));
  // Each objective as "bigger is better".
  const goals = (p) => (byCost ? [p.accuracy, -p.cost, -p.latency] : [p.accuracy, -p.latency]);
  const optimal = new Set();
  for (const p of ranked) {
    const gp = goals(p);
    const dominated = ranked.some((q) => {
      if (q === p) return false;
      const gq = goals(q);
      return gq.every((v, i) => v >= gp[i]) && gq.some((v, i) => v > gp[i]);
    });
    if (!dominated) optimal.add(p.id);
  }
  return { optimal, ranked: new Set(ranked.map((p) => p.id)), byCost };
}

function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}
