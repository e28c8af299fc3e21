/** Prints the chart's resource budget as a Markdown table (the README's): `npx tsx scripts/budget.ts [helm args]`. */
import { budget, render } from "../test/support/helm.js";
const b = budget(render(process.argv.slice(2)));
const mib = (n) => `${Math.round(n / 2 ** 20)} Mi`;
console.log('| workload | container | replicas | CPU limit | memory limit |\n| --- | --- | ---: | ---: | ---: |');
for (const r of b.rows)
    console.log(`| ${r.workload} | ${r.container} | ${r.replicas} | ${r.cpu} | ${mib(r.memory)} |`);
console.log(`| **total** | | | **${+b.cpu.toFixed(2)} of 2** | **${mib(b.memory)} of 4096 Mi** |`);
console.log('\n| volume | size |\n| --- | ---: |');
for (const c of b.claims)
    console.log(`| ${c.name} | ${mib(c.size)} |`);
console.log(`| **total** | **${(b.storage / 2 ** 30).toFixed(1)} GiB** (of 5 GB with the images) |`);
