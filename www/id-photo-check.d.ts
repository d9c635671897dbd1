// Types of the ES module API (id-photo-check.js) and of the <id-photo-check> element (element.js).

import type { Report, CheckResult, Text } from "./pkg/id_photo_check.js";
export type { Report, CheckResult, Text };

/** The document the person was asked for. */
export type DocumentType = "any" | "id-card" | "passport";
export type Language = "en" | "zh-CN";

/** Every word the element shows, per language; see messages.js for the keys. */
export declare const messages: Record<Language, Record<string, string>>;
/** Overrides messages per key and language: `setMessages({ "zh-CN": { choose: "上传证件照" } })`. */
export declare function setMessages(overrides: Partial<Record<Language, Record<string, string>>>): void;
/** The message `key` in `lang`, `{name}` placeholders filled from `vars`. */
export declare function t(lang: Language, key: string, vars?: Record<string, string | number>): string;
/** "zh-CN" when the browser prefers any Chinese, else "en". */
export declare function preferredLanguage(langs?: readonly string[]): Language;

/** Why a photo could not be checked, or the camera could not be used. */
export declare class PhotoCheckError extends Error {
  code: "empty_file" | "not_an_image" | "corrupt" | "unsupported" | "file_too_large" | "too_large" | "empty_image" | "size_mismatch" | "internal" | "camera_denied" | "camera_absent" | "camera_unavailable" | "camera_error";
  messages: Text;
  detail?: string;
}

export interface CheckOptions {
  document?: DocumentType;
}

/** What `checkPhoto` accepts. Files are decoded in the worker with their EXIF orientation applied. */
export type PhotoInput = Blob | ImageData | ImageBitmap | HTMLCanvasElement | OffscreenCanvas | HTMLImageElement | HTMLVideoElement | VideoFrame | { data: Uint8ClampedArray; width: number; height: number };

/** Checks one photo in the worker. Rejects with a PhotoCheckError when it cannot be read. */
export declare function checkPhoto(input: PhotoInput, options?: CheckOptions): Promise<Report>;

/** As checkPhoto, with the decoded photo and the straightened document when asked for. */
export declare function checkDetailed(input: PhotoInput, options?: CheckOptions & { display?: boolean; crop?: boolean; cropWidth?: number; onReport?: (first: { report: Report; bitmap?: ImageBitmap; timings: { decode: number; check: number; total: number } }) => void }): Promise<{ report: Report; bitmap?: ImageBitmap; crop?: ImageBitmap | null; timings: { decode: number; check: number; total: number } }>;

/** The rear camera at a high resolution; rejects with a PhotoCheckError (camera_denied, camera_absent, camera_unavailable, camera_error). */
export declare function openCamera(): Promise<MediaStream>;

/** The camera's full-resolution still: ImageCapture.takePhoto where there is one, else the video frame. */
export declare function takeStill(video: HTMLVideoElement): Promise<Blob>;

export type Hint = "live_find" | "live_corners" | "live_closer" | "live_flat" | "live_dark" | "live_bright" | "live_glare" | "live_still" | "live_good";

/** The one thing to tell the person about a live frame, most important first. */
export declare function hintFor(report: Report): Hint;

export interface LiveOptions {
  document?: DocumentType;
  /** Frames are checked at most this many pixels on their longer side (960). */
  maxSide?: number;
  /** Good, steady frames in a row before `capture` (5). */
  frames?: number;
  /** Largest corner movement between frames, as a share of the outline's diagonal, that counts as steady (0.02). */
  steady?: number;
  /** Frames a new hint must hold before it replaces the one shown (3). */
  hold?: number;
}

export interface LiveFrame {
  report: Report;
  /** The hint shown (after hysteresis). */
  hint: Hint;
  /** This frame's own hint. */
  raw: Hint;
  good: boolean;
  steady: boolean;
  /** Checks per second over the last two seconds. */
  rate: number;
  /** The outline in video pixels, or null. */
  corners: [number, number][] | null;
  /** How the frame went to the worker: a VideoFrame scaled there, or an ImageBitmap scaled on the
   * page's thread (a browser that cannot make a VideoFrame of the video, or makes one turned or
   * mirrored). */
  handed: "VideoFrame" | "ImageBitmap";
}

/** Watches a playing <video> and guides the person to a good photo. */
export declare class LiveChecker extends EventTarget {
  constructor(video: HTMLVideoElement, options?: LiveOptions);
  start(): void;
  stop(): void;
  /** Forgets the frames seen (start() does this). */
  reset(): void;
  readonly hint: Hint | null;
  readonly rate: number;
  readonly checks: number;
  /** Milliseconds since the last good frame. */
  readonly stale: number;
  addEventListener(type: "frame", listener: (e: CustomEvent<LiveFrame>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: "hint", listener: (e: CustomEvent<{ hint: Hint }>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: "capture", listener: (e: CustomEvent<{ report: Report; settled: number }>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}

/** `accept`'s detail: the photo as chosen or taken, and the document straightened (null when no outline was found). */
export interface AcceptDetail {
  image: Blob;
  crop: Blob | null;
  report: Report;
}

/** <id-photo-check lang="en|zh-CN" mode="upload|camera" document="any|id-card|passport"> */
export declare class IdPhotoCheck extends HTMLElement {
  /** Checks a photo as if the person had chosen it. */
  check(input: PhotoInput): Promise<Report | undefined>;
  startLive(): Promise<void>;
  stopLive(): void;
  addEventListener(type: "check", listener: (e: CustomEvent<{ report: Report; timings: { decode: number; check: number; total: number } }>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: "accept", listener: (e: CustomEvent<AcceptDetail>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "id-photo-check": IdPhotoCheck;
  }
}
