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
    expect(outputs.map((o) => o.filename)).toEqual(["src/generated/graphql.ts"]);
    const file = `${packageDir}src/generated/graphql.ts`;
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    const expected = await prettier.format(outputs[0]!.content, options);
    expect(readFileSync(file, "utf8"), "run `pnpm --filter @parley/client codegen` and commit the result").toBe(
      expected,
    );
  });

  it("generates a typed document for every operation the SDK and the web app use", async () => {
    const generated = await import("../src/generated/graphql.ts");
    const documents = Object.keys(generated).filter((k) => k.endsWith("Document"));
    expect(documents.sort()).toEqual(
      [
        "AddParticipantDocument",
        "ConversationDocument",
        "ConversationLimitsDocument",
        "ConversationsDocument",
        "CreateConversationDocument",
        "MessageAddedDocument",
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
      ].sort(),
    );
  });
});
