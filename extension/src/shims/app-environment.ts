// What `$app/environment` says inside the extension, which is never a Vite dev build.
export const dev = false;
export const browser = true;
