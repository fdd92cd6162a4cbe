import { describe, expect, it } from "vitest";
import { fileTypeLabel, galleryTiles, singleTileSize, urlFieldsOf, videoBoxRatio } from "./media-layout.ts";

describe("media layout", () => {
  it("sizes a single photo from width/height within 320 px, clamped to 2:1, and 4:3 when unknown", () => {
    expect(singleTileSize({ width: 4000, height: 3000 })).toEqual({ width: 320, height: 240 });
    expect(singleTileSize({ width: 1080, height: 1920 })).toEqual({ width: 180, height: 320 });
    expect(singleTileSize({ width: 5000, height: 500 })).toEqual({ width: 320, height: 160 });
    expect(singleTileSize({})).toEqual({ width: 320, height: 240 });
    expect(singleTileSize({ width: null, height: null })).toEqual({ width: 320, height: 240 });
  });

  it("shows up to four tiles and counts the rest as +N", () => {
    expect([1, 2, 3, 4, 6, 10].map(galleryTiles)).toEqual([
      { shown: 1, more: 0 },
      { shown: 2, more: 0 },
      { shown: 3, more: 0 },
      { shown: 4, more: 0 },
      { shown: 4, more: 2 },
      { shown: 4, more: 6 },
    ]);
  });

  it("keeps a video's shape when known", () => {
    expect(videoBoxRatio({ width: 1920, height: 1080 })).toBeCloseTo(16 / 9);
    expect(videoBoxRatio({ width: 1080, height: 1920 })).toBeCloseTo(0.5625);
    expect(videoBoxRatio({})).toBeCloseTo(16 / 9);
  });

  it("names file types for the file card", () => {
    expect(fileTypeLabel("application/pdf", "report.pdf")).toBe("PDF document");
    expect(fileTypeLabel("application/octet-stream", "data.parquet")).toBe("PARQUET file");
    expect(fileTypeLabel("application/octet-stream", null)).toBe("File");
  });

  it("gives a preview its own temporary URL entry", () => {
    const expires = "2026-12-02T10:00:00Z";
    expect(
      urlFieldsOf({
        id: "m1",
        temporaryUrl: "https://s/o",
        temporaryUrlExpiresAt: expires,
        preview: {
          width: 320,
          height: 240,
          contentType: "image/webp",
          temporaryUrl: "https://s/p",
          temporaryUrlExpiresAt: expires,
        },
      }).map((f) => [f.id, f.temporaryUrl]),
    ).toEqual([
      ["m1", "https://s/o"],
      ["m1#preview", "https://s/p"],
    ]);
  });
});
