// Opens serialq HTML reports in headless Chromium and checks what a reader sees: no SVG text
// cut off by its chart's bounds or written over another text, tables that fit the page, one
// colour per series name across a report's figures, and the chosen configuration marked on a
// search report's Pareto plots. Usage: node check-reports.js CHROMIUM REPORT.html...
const puppeteer = require('puppeteer-core');
const path = require('path');

// Runs in the page: a list of problems, empty if none.
function inspect() {
  const problems = [];
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const seen = new Map();  // legend name -> colour, across the report
  document.querySelectorAll('figure svg').forEach((svg) => {
    const fig = svg.closest('figure').id;
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map((t) => ({
      text: t.textContent, box: t.getBoundingClientRect(),
    }));
    for (const t of texts)
      if (t.box.left < frame.left - 0.5 || t.box.right > frame.right + 0.5 ||
          t.box.top < frame.top - 0.5 || t.box.bottom > frame.bottom + 0.5)
        problems.push(`${fig}: text "${t.text}" is cut by the chart's bounds`);
    for (const t of texts)
      if (t.text.endsWith('...')) problems.push(`${fig}: text "${t.text}" is cut short`);
    for (let i = 0; i < texts.length; ++i)
      for (let j = i + 1; j < texts.length; ++j)
        if (overlap(texts[i].box, texts[j].box))
          problems.push(`${fig}: "${texts[i].text}" overlaps "${texts[j].text}"`);
    const legend = [...svg.querySelectorAll('g.legend-entry')].map((g) => ({
      name: g.dataset.name, colour: g.dataset.colour, shown: g.textContent,
    }));
    if (new Set(legend.map((e) => e.shown)).size !== legend.length)
      problems.push(`${fig}: two legend entries read the same`);
    for (const e of legend) {
      if (seen.has(e.name) && seen.get(e.name) !== e.colour)
        problems.push(`${fig}: "${e.name}" is ${e.colour} here, ${seen.get(e.name)} before`);
      seen.set(e.name, e.colour);
    }
    if (fig.startsWith('fig-accuracy-vs-') &&
        !(svg.querySelector('.chosen') && legend.some((e) => e.name === 'chosen')))
      problems.push(`${fig}: the chosen configuration is not marked`);
  });
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width)
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in ${width}px`);
  document.querySelectorAll('table').forEach((t, i) => {
    const box = t.getBoundingClientRect();
    const room = t.parentElement.getBoundingClientRect();
    if (box.right > room.right + 0.5 || t.scrollWidth > t.clientWidth + 0.5)
      problems.push(`table ${i + 1} (${t.rows[0].cells[0].textContent}...) is ` +
                    `${Math.round(box.width)}px wide in ${Math.round(room.width)}px`);
  });
  return problems;
}

(async () => {
  const [chromium, ...reports] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'],
  });
  let failed = 0;
  try {
    const page = await browser.newPage();
    for (const report of reports)
      for (const width of [1280, 800]) {
        await page.setViewport({width, height: 900});
        await page.goto('file://' + path.resolve(report));
        const problems = await page.evaluate(inspect);
        const where = `${path.basename(report)} at ${width}px`;
        console.log(`${problems.length ? 'FAIL' : 'ok'}   ${where}`);
        for (const p of problems.slice(0, 25)) console.log(`  ${p}`);
        if (problems.length > 25) console.log(`  ... and ${problems.length - 25} more`);
        failed += problems.length ? 1 : 0;
      }
    if (!reports.length) throw new Error('no report given');
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e.message); process.exit(1); });
