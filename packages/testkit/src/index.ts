import "./provided.ts";
export {
  startMinio,
  startMinioCluster,
  minioBinary,
  incompleteUploads,
  distinctFreePorts,
  type MinioServer,
  type MinioCluster,
  type MinioNode,
} from "./minio.ts";
export { createTestDatabase, adminUrl, type TestDatabase } from "./postgres.ts";
export { freePort } from "./ports.ts";
export { chromiumExecutable } from "./chromium.ts";
export { nginxBinary, startNginx, nginxConfig, type Nginx, type NginxOptions } from "./nginx.ts";
export { parleyInstance, startServerProcess, type ParleyInstance, type ServerProcess } from "./parley-process.ts";
export { startCluster, type Cluster, type ClusterOptions } from "./cluster.ts";
export { eventually } from "./eventually.ts";
export {
  startTestServer,
  backend,
  codeOf,
  type TestServer,
  type TestServerOptions,
  type Backend,
  type GraphQLResponse,
  type InProcessParley,
} from "./test-server.ts";
export { tcpProxy, type TcpProxy, type TcpProxyOptions, type DownMode } from "./tcp-proxy.ts";
export { fixturePath, readFixture } from "./fixtures.ts";
export {
  generated,
  multipartBody,
  multipartHeaders,
  newBoundary,
  postMediaMessage,
  postMultipart,
  type FilePart,
  type MultipartResponse,
} from "./multipart.ts";
