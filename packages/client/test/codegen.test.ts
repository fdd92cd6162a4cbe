import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import config from "../codegen.ts";

const packageDir = new URL("../", import.meta.url).pathname;

describe("codegen", () => {
  it("committed src/generated matches what the schema and operations generate today", async () => {
    const outputs = (await generate({ ...config, cwd: packageDir, silent: true }, false)) as {
      filename: string;
      content: string;
    }[];
    expect(outputs.map((o) => o.filename).sort()).toEqual([
      "src/generated/documents.ts",
      "src/generated/enums.ts",
      "src/generated/graphql.ts",
    ]);
    for (const output of outputs) {
      const file = `${packageDir}${output.filename}`;
      const options = { ...(await prettier.resolveConfig(file)), filepath: file };
      const expected = await prettier.format(output.content, options);
      expect(readFileSync(file, "utf8"), "run `pnpm --filter @parley/client codegen` and commit the result").toBe(
        expected,
      );
    }
  });

  it("takes the error codes from the schema's enum ErrorCode", async () => {
    const { ErrorCode } = await import("../src/generated/enums.ts");
    const sdl = readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    const body = /enum ErrorCode \{([^}]*)\}/.exec(sdl)![1]!;
    const values = [...body.matchAll(/^\s*([A-Z_]+)\s*$/gm)].map((m) => m[1]);
    expect(Object.values(ErrorCode).sort()).toEqual(values.sort());
    expect(values).toContain("RATE_LIMITED");
  });

  it("generates a typed document for every operation the SDK and the web app use", async () => {
    const generated = await import("../src/generated/graphql.ts");
    const documents = Object.keys(generated).filter((k) => k.endsWith("Document"));
    expect(documents.sort()).toEqual(
      [
        "AbortMediaUploadDocument",
        "AddParticipantDocument",
        "AdvanceLastReadMessageIndexDocument",
        "ConversationDocument",
        "ConversationLimitsDocument",
        "ConversationPositionsDocument",
        "ConversationsDocument",
        "CreateConversationDocument",
        "CreateMediaUploadDocument",
        "MessageAddedDocument",
        "MediaByIdsDocument",
        "MediaUploadDocument",
        "MessageDocument",
        "MessageMediaDocument",
        "MessageRemovedDocument",
        "MessageUpdatedDocument",
        "MessagesDocument",
        "ParticipantsDocument",
        "RemoveMessageDocument",
        "RemoveParticipantDocument",
        "SendMediaMessageDocument",
        "SendMessageDocument",
        "SetLastReadMessageIndexDocument",
        "UnreadMessagesCountDocument",
        "UpdateMessageDocument",
        "ViewerDocument",
        "ViewerJoinedAtDocument",
        "ViewerMessageAddedDocument",
        "ViewerMessageRemovedDocument",
        "ViewerMessageUpdatedDocument",
      ].sort(),
    );
  });
});
