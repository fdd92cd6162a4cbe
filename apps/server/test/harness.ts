// The server's tests' Parley: testkit's in-process harness (startTestServer) started with this
// package's startParley, so `t.parley` is typed as the server's own Parley.
import { startTestServer as startWith, type TestServer as TestServerOf, type TestServerOptions } from "@parley/testkit";
import { startParley, type Parley } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";

export { backend, codeOf, type Backend, type GraphQLResponse, type TestServerOptions } from "@parley/testkit";
export type TestServer = TestServerOf<Parley>;

export const startTestServer = (options: TestServerOptions = {}): Promise<TestServer> =>
  startWith((env) => startParley(loadConfig(env)), options);
