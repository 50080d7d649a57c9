// s3rver 3.7 ships no type declarations; these cover the calls this project makes.
declare module "s3rver" {
  import type { AddressInfo } from "node:net";
  import type { S3rverFilesystemStore } from "./s3rver-atomic-put.js";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    /** The FilesystemStore behind the server; its methods are s3rver internals. */
    store: S3rverFilesystemStore;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
