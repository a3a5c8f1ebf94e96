// How long the output view takes to cut a huge stream output (11 MB, 1,000,000 lines) down to
// its display limits. Measured here, never asserted in a test (was `< 1000 ms` in units.test.ts).
// Run: `.venv/bin/python benchmarks/ui_truncate.py` (or `npx vitest bench --run` in ui/).
import { bench, describe } from "vitest";
import { truncateText } from "../src/mime";

const huge = "0123456789\n".repeat(1_000_000);
const oneLine = "y".repeat(5_000_000);

describe("truncateText", () => {
  bench("11 MB, 1,000,000 lines", () => {
    truncateText(huge);
  });
  bench("5 MB on one line", () => {
    truncateText(oneLine);
  });
});
