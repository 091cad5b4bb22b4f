/** What the fake model writes in `--fake` mode: real Python, run in the real sandbox. */
import type { FakeReply } from "@smol/testing";

export const DEFAULT_QUESTION =
  "For each region, what are the mean and standard deviation of monthly revenue, and which region grew most from the first to the last month?";

export const fakeReplies: FakeReply[] = [
  [
    "Thought: I parse the CSV, group the revenue by region, and compute the statistics.",
    "<code>",
    "import csv, io, statistics",
    "rows = list(csv.DictReader(io.StringIO(csv_text)))",
    "by_region = {}",
    "for row in rows:",
    '    by_region.setdefault(row["region"], []).append(float(row["revenue"]))',
    "stats = {",
    '    region: {"mean": round(statistics.mean(values), 2), "stdev": round(statistics.stdev(values), 2),',
    '             "growth": round(values[-1] - values[0], 2)}',
    "    for region, values in by_region.items()",
    "}",
    'stats["fastest_growth"] = max(by_region, key=lambda region: stats[region]["growth"])',
    "final_answer(stats)",
    "</code>",
  ].join("\n"),
];
