import { CoreError } from "../errors.js";

/** A page request: `page` counts from 1. */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/** The largest page the dashboard functions serve. */
export const MAX_PAGE_SIZE = 500;

/** limit/offset of a page; CoreError INVALID_INPUT for a page below 1 or a size outside 1…{@link MAX_PAGE_SIZE}. */
export function pageWindow(request: PageRequest): { limit: number; offset: number } {
  if (!Number.isInteger(request.page) || request.page < 1) throw new CoreError("INVALID_INPUT", "page counts from 1.", { key: "page" });
  if (!Number.isInteger(request.pageSize) || request.pageSize < 1 || request.pageSize > MAX_PAGE_SIZE) {
    throw new CoreError("INVALID_INPUT", `pageSize must be 1 to ${MAX_PAGE_SIZE}.`, { key: "pageSize" });
  }
  return { limit: request.pageSize, offset: (request.page - 1) * request.pageSize };
}
