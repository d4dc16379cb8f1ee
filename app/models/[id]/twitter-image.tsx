export { default, alt, size, contentType, dynamic } from "./opengraph-image";
