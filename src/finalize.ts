// Placeholder: filled in by its issue. Kept so that index.ts can re-export it from the start.
export {};
