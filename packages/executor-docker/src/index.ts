export { CONTAINER_LABEL } from "./container-spec.js";
export type { DockerConnectionOptions } from "./docker-connection.js";
export { DEFAULT_DOCKER_IMAGE, DockerExecutor, type DockerExecutorOptions } from "./docker-executor.js";
export type { DockerImageBuild, ProgressListener } from "./images.js";
