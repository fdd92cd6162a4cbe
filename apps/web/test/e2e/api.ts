// The API the browser tests talk to: testkit's in-process harness (a real Parley on port 0) started
// with the server's startParley.
import { loadConfig, startParley } from "@parley/server";
import { startTestServer as startWith, type TestServer, type TestServerOptions } from "@parley/testkit";

export type { Backend, TestServer } from "@parley/testkit";

export const startTestServer = (options: TestServerOptions = {}): Promise<TestServer> =>
  startWith((env) => startParley(loadConfig(env)), options);
