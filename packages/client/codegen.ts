import type { CodegenConfig } from "@graphql-codegen/cli";
import { schemaPath } from "@parley/schema";

// The client is generated from the contract SDL and the operations in src/operations: no
// hand-written GraphQL strings or result types anywhere else in the SDK or the web app.
const config: CodegenConfig = {
  schema: schemaPath,
  documents: ["src/operations/*.graphql"],
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          // Browsers upload File/Blob; the SDK also takes Buffer and Node/web streams (MediaSource).
          Upload: "File | Blob",
          DateTime: "string",
          JSONObject: "Record<string, unknown>",
        },
        enumType: "string-literal",
      },
    },
    // The same operations as strings (TypedDocumentString), for the SDK's own requests: a string
    // needs no printer, so browser bundles carry neither graphql's printer nor the documents' ASTs.
    // graphql.ts keeps the TypedDocumentNodes for partners' own GraphQL clients.
    "src/generated/documents.ts": {
      plugins: [{ add: { content: 'import type * as Types from "./graphql.ts";' } }, "typed-document-node"],
      config: { documentMode: "string", importOperationTypesFrom: "Types", useTypeImports: true },
    },
    // The schema's enums as values (ErrorCode above all): the codes are written once, in the SDL.
    "src/generated/enums.ts": {
      plugins: ["typescript"],
      config: { onlyEnums: true, enumsAsConst: true, namingConvention: { enumValues: "keep" } },
    },
  },
  hooks: { afterAllFileWrite: ["prettier --write"] },
};
export default config;
