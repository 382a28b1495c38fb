// manrsCharts draws an AS's action scores: daily over the last 30 days
// (/api/v1/as/{asn}/history) and by calendar month over the last 12
// months (/api/v1/as/{asn}/months).
function manrsCharts(asn, date) {
  const actions = ["filtering", "anti-spoofing", "coordination", "global-validation"];
  const colors = ["#0969da", "#8250df", "#1a7f37", "#bf3989"];
  function score(list, a) {
    const s = (list || []).find(x => x.action === a);
    return s && s.score !== null ? s.score : null;
  }
  function plot(el, xs, series, points) {
    const opts = {
      width: Math.max(320, Math.min(580, el.clientWidth || 580)), height: 220,
      scales: { y: { range: [0, 1] } },
      series: [{}].concat(actions.map((a, i) => ({
        label: a, stroke: colors[i], width: 2, spanGaps: false,
        points: { show: points, size: 7, fill: colors[i] },
      }))),
      axes: [{}, { values: (u, v) => v.map(x => x.toFixed(1)) }],
    };
    el.dataset.points = String(xs.length);
    new uPlot(opts, [xs].concat(series), el);
    el.classList.add("drawn");
  }
  function fail(el) { return e => { el.textContent = "history unavailable: " + e; }; }
  const c30 = document.getElementById("chart30");
  fetch("/api/v1/as/" + asn + "/history?days=30&to=" + date)
    .then(r => r.json())
    .then(h => plot(c30, h.map(d => Date.parse(d.date) / 1000),
      actions.map(a => h.map(d => d.observed ? score(d.actions, a) : null)), false))
    .catch(fail(c30));
  const c12 = document.getElementById("chart365");
  fetch("/api/v1/as/" + asn + "/months?months=12&to=" + date)
    .then(r => r.json())
    .then(ms => plot(c12, ms.map(m => Date.parse(m.month + "-01") / 1000),
      actions.map(a => ms.map(m => score(m.actions, a))), true))
    .catch(fail(c12));
}
