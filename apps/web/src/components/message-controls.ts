import { createContext, useContext } from "react";

/**
 * The thread is one Tab stop: messages are reached with the arrow keys (roving tabindex), and a
 * message's own controls (edit, delete, media, links) join the Tab order only after Enter on it.
 * This context gives those controls their tabIndex.
 */
export const MessageControlsTabIndex = createContext<0 | -1>(0);

export const useControlTabIndex = () => useContext(MessageControlsTabIndex);
