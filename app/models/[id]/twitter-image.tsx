// The same picture as the OpenGraph image; route config is declared here, not re-exported (Turbopack parses it statically).
export { default, alt, size, contentType } from "./opengraph-image";
export const dynamic = "force-dynamic";
