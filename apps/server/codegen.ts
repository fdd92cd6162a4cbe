import type { CodegenConfig } from "@graphql-codegen/cli";

// Resolver types come from the contract schema; never hand-written twice.
const config: CodegenConfig = {
  schema: "../../packages/schema/schema.graphql",
  generates: {
    "src/generated/resolvers-types.ts": {
      plugins: ["typescript", "typescript-resolvers"],
      config: {
        useTypeImports: true,
        contextType: "../graphql/context.ts#Context",
        useIndexSignature: false,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          // The HTTP layer hands resolvers the media module's own value, never graphql-upload's.
          Upload: "Promise<import('../services/media/index.ts').IncomingFile>",
          DateTime: { input: "Date", output: "Date | string" },
          JSONObject: "Record<string, unknown>",
        },
        mappers: {
          Conversation: "@parley/db#ConversationRow",
          Participant: "@parley/db#ParticipantRow",
          Message: "@parley/db#MessageRow",
          Media: "@parley/db#MediaRow",
          RemovedMessage: "@parley/db#RemovedMessageRow",
          Viewer: "../graphql/context.ts#Viewer",
          ConversationLimits: "../graphql/context.ts#Limits",
        },
        mapperTypeSuffix: "Model",
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        maybeValue: "T | null",
        inputMaybeValue: "T | null | undefined",
      },
    },
  },
  hooks: { afterAllFileWrite: ["prettier --write"] },
};
export default config;
