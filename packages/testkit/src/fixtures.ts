import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The committed media fixtures (packages/testkit/fixtures: photo.png, badge.png, portrait.jpg,
 * report.pdf, clip.mp4; real, decodable files, see make-fixtures.mjs), for every package's tests.
 */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A fixture's bytes. */
export const readFixture = (name: string): Buffer => readFileSync(fixturePath(name));
