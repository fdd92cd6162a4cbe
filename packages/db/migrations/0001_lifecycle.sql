CREATE TABLE "removed_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"author" text NOT NULL,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "last_read_message_index" integer;--> statement-breakpoint
ALTER TABLE "removed_messages" ADD CONSTRAINT "removed_messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "removed_messages_conversation_idx" ON "removed_messages" USING btree ("conversation_id","index");