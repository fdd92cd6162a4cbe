/** `// #region name` … `// #endregion` blocks of a source file, dedented, by name. */
export function regions(source) {
  const out = new Map();
  for (const m of source.matchAll(/(?:^|\n)([ \t]*)\/\/ #region ([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
    const indent = m[1];
    out.set(
      m[2],
      m[3]
        .split("\n")
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join("\n"),
    );
  }
  return out;
}
