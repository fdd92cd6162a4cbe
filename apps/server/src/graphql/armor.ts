import { ApolloArmor } from "@escape.tech/graphql-armor";

/**
 * Query limits. The SDK's and web app's own operations stay under half of each
 * (test/query-limits.test.ts checks them against `armorConfig(0.5)`).
 */
export const QUERY_LIMITS = { maxDepth: 12, maxAliases: 15, maxDirectives: 20, maxTokens: 2000, maxCost: 5000 };

export function armorConfig(scale = 1) {
  const l = QUERY_LIMITS;
  const n = (v: number) => Math.max(1, Math.floor(v * scale));
  return {
    maxDepth: { n: n(l.maxDepth), flattenFragments: true },
    maxAliases: { n: n(l.maxAliases) },
    maxDirectives: { n: n(l.maxDirectives) },
    // Token limits go through graphql's own parser (ApolloServer parseOptions.maxTokens) so an
    // over-long document is an ordinary 400 syntax error; armor's plugin answered 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: n(l.maxCost) },
    blockFieldSuggestion: { enabled: true },
  };
}

export function createArmor(scale = 1) {
  return new ApolloArmor(armorConfig(scale)).protect();
}
