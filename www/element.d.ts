// Importing element.js defines <id-photo-check>; its type is declared with the module API.
export { IdPhotoCheck } from "./id-photo-check.js";
