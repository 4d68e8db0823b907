export * from "./request.ts";
export * from "./response.ts";
