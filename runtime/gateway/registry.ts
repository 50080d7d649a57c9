import type { S3Client } from "@aws-sdk/client-s3";
import { decodeApiRegistration, type ApiRegistration, type StorageLayout } from "../shared/storage-layout.js";
import { readObjectText } from "./read-object.js";

/** Maximum number of cached lookups. Beyond it the oldest is evicted, so a flood of made-up names cannot grow memory. */
const MAX_CACHED_APIS = 10_000;

export interface ApiRegistryOptions {
  s3: S3Client;
  bucket: string;
  layout: StorageLayout;
  /** Time in seconds that a lookup result is reused, found or not. */
  cacheSeconds: number;
  /** Clock in Unix milliseconds. @default Date.now */
  now?: () => number;
}

interface CacheEntry {
  expiresAt: number;
  registration: ApiRegistration | undefined;
}

/** The registry entry of an API is present but cannot be decoded. */
export class InvalidRegistryEntryError extends Error {
  override name = "InvalidRegistryEntryError";
}

/**
 * Finds an API's queue by reading its registry entry from S3. Results are cached
 * for a few seconds, misses too, so a flood of requests to an unknown API costs
 * one GetObject per name and period. Concurrent lookups of one name share a
 * single GetObject. Failed reads are not cached.
 */
export class ApiRegistry {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<ApiRegistration | undefined>>();
  private readonly now: () => number;

  constructor(private readonly options: ApiRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Returns the API's registration, or undefined when it has no registry entry. */
  async lookup(api: string): Promise<ApiRegistration | undefined> {
    const cached = this.cache.get(api);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.registration;

    const inFlight = this.pending.get(api);
    if (inFlight !== undefined) return inFlight;

    const read = this.read(api).finally(() => this.pending.delete(api));
    this.pending.set(api, read);
    return read;
  }

  private async read(api: string): Promise<ApiRegistration | undefined> {
    const registration = await this.fetch(api);

    if (this.options.cacheSeconds > 0) {
      this.cache.delete(api);
      if (this.cache.size >= MAX_CACHED_APIS) this.evictOldest();
      this.cache.set(api, { expiresAt: this.now() + this.options.cacheSeconds * 1000, registration });
    }
    return registration;
  }

  private async fetch(api: string): Promise<ApiRegistration | undefined> {
    const key = this.options.layout.registryKey(api);
    const text = await readObjectText(this.options.s3, this.options.bucket, key);
    if (text === undefined) return undefined;

    let registration: ApiRegistration;
    try {
      registration = decodeApiRegistration(text, key);
    } catch (error) {
      throw new InvalidRegistryEntryError((error as Error).message);
    }
    if (registration.name !== api) {
      throw new InvalidRegistryEntryError(`registry entry ${key} names API ${JSON.stringify(registration.name)}`);
    }
    return registration;
  }

  private evictOldest(): void {
    const oldest = this.cache.keys().next();
    if (!oldest.done) this.cache.delete(oldest.value);
  }
}
