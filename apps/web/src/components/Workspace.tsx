import { MessageMediaDocument, isParleyError, type Message } from "@parley/client";
import { useCallback, useEffect, useMemo, useState } from "react";
import { AppContext, SentMessages, type AppServices } from "../app-context.tsx";
import { config } from "../config.ts";
import { drafts } from "../lib/drafts.ts";
import { urlFieldsOf } from "../lib/media-layout.ts";
import { MediaUrls, sameOriginMediaUrl } from "../lib/media-urls.ts";
import { Outbox } from "../lib/outbox.ts";
import { IndexedDbOutboxStore, outboxStore } from "../lib/outbox-store.ts";
import { clientFor, describeError, isTransient, type Session } from "../lib/session.ts";
import { ConversationList } from "./ConversationList.tsx";
import { Thread } from "./Thread.tsx";
import { useHashRoute } from "./use-hash-route.ts";

export function Workspace({ session, onSignOut }: { session: Session; onSignOut(reason?: string): void }) {
  const [conversationId, navigate] = useHashRoute();
  const [listVersion, setListVersion] = useState(0);

  const services = useMemo<AppServices>(() => {
    const client = clientFor(config.apiBaseUrl, session);
    const sent = new SentMessages();
    let signedOut = false;
    const onApiError = (error: unknown) => {
      if (!isParleyError(error, "UNAUTHENTICATED") || signedOut) return;
      signedOut = true;
      // What was on its way out goes back into the drafts: signing in again finds it there.
      outbox.forgetSaved();
      for (const m of outbox.getSnapshot())
        drafts.keepUnsent(session.identity, m.conversationId, { body: m.body, files: [...m.files] });
      onSignOut(`${describeError(error)} What you were writing is kept.`);
    };
    const outbox = new Outbox<Message>({
      build: async (id, draft, resume) => {
        const builder = client.conversation(id).prepareMessage();
        if (draft.body) builder.setBody(draft.body);
        // Files of 8 MiB and more go through the SDK's resumable upload sessions; after a reload
        // the saved upload ids continue them (only the missing parts are sent).
        draft.files.forEach((file, i) =>
          builder.addMedia({
            media: file,
            filename: file.name,
            contentType: file.type || undefined,
            uploadId: resume?.uploadIds[i],
          }),
        );
        return builder.build();
      },
      onSent: (id, message) => sent.emit(id, message),
      describeError: (error, retrying) => {
        onApiError(error);
        return describeError(error, { retrying });
      },
      // Unreachable server or storage: sent again by itself (same idempotency key), soon after
      // the connection is back.
      isRetryable: isTransient,
    });
    const mediaUrls = new MediaUrls(
      async (messageId) => {
        // A forced refresh after a 403: the SDK's Media refreshes only by expiry, so ask for the
        // message's media again with the generated, typed document.
        const { message } = await client.request(MessageMediaDocument, { id: messageId });
        return (message?.media ?? []).flatMap((m) => urlFieldsOf(m));
      },
      Date.now,
      (url) => sameOriginMediaUrl(url, config.devApiOrigin, window.location.origin),
    );
    return { session, client, sent, newest: new SentMessages(), outbox, mediaUrls, onApiError };
  }, [session, onSignOut]);

  // A message sent here moves its conversation to the top of the list.
  useEffect(() => services.sent.subscribe(() => setListVersion((v) => v + 1)), [services]);

  // The connection is back: messages waiting for their automatic retry go now.
  useEffect(() => {
    const restored = () => services.outbox.connectionRestored();
    window.addEventListener("online", restored);
    const off = services.client.on("connectionStateChanged", (state) => state === "connected" && restored());
    return () => {
      window.removeEventListener("online", restored);
      off();
    };
  }, [services]);

  // Messages with files saved before a reload go on; signing out stops what is still on its way out
  // (and forgets the saved copies: on purpose they are dropped, with an expired token they went
  // back into the drafts).
  useEffect(() => {
    let live = true;
    if (IndexedDbOutboxStore.available()) {
      // Messages with files survive a reload (the files too, in IndexedDB).
      services.outbox.persistTo({ store: outboxStore, identity: session.identity });
      void outboxStore.load(session.identity).then((records) => live && services.outbox.restore(records));
    }
    return () => {
      live = false;
      services.outbox.forgetSaved();
      services.outbox.cancelAll();
    };
  }, [services, session.identity]);

  // Warn before closing the tab while an upload is running.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (services.outbox.getSnapshot().some((m) => m.status === "sending" || m.status === "queued"))
        event.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [services]);

  const onCreated = useCallback(
    (id: string) => {
      setListVersion((v) => v + 1);
      navigate(id);
    },
    [navigate],
  );

  return (
    <AppContext.Provider value={services}>
      <div className="shell" data-view={conversationId ? "thread" : "list"}>
        <a
          className="skip-link"
          href="#thread-main"
          onClick={(e) => {
            // The hash names the open conversation; move focus without touching it: to the
            // message box when a conversation is open.
            e.preventDefault();
            const box = document.querySelector<HTMLElement>("#thread-main form.composer textarea");
            (box ?? document.getElementById("thread-main"))?.focus();
          }}
        >
          Skip to conversation
        </a>
        <header className="topbar">
          <span className="brand">
            <span className="logo" aria-hidden="true" /> Parley
          </span>
          <span className="whoami">
            Signed in as <strong>{session.identity}</strong>
          </span>
          <button type="button" className="ghost" onClick={() => onSignOut()}>
            Sign out
          </button>
        </header>
        <ConversationList selectedId={conversationId} onSelect={navigate} onCreated={onCreated} version={listVersion} />
        <main id="thread-main" className="main" tabIndex={-1}>
          {conversationId ? (
            <Thread
              key={conversationId}
              conversationId={conversationId}
              onBack={() => navigate(null)}
              onChanged={() => setListVersion((v) => v + 1)}
            />
          ) : (
            <div className="empty-state">
              <h2>Pick a conversation</h2>
              <p>Choose one from the list, or start a new one.</p>
            </div>
          )}
        </main>
      </div>
    </AppContext.Provider>
  );
}
