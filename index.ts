// The public API (API.md). Grows with the kernel and Win32 layers.
export * from './core/index.ts';
