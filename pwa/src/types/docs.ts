// Names for the generated document types, as the app uses them. Nothing is redefined
// here: every shape comes from ./generated (the Rust `shared` crate).
import type { Document } from './generated'

export type DocType = Document['type']
export type SiteDoc = Extract<Document, { type: 'site' }>
export type CountDoc = Extract<Document, { type: 'count_session' }>
export type ChecklistDoc = Extract<Document, { type: 'checklist_run' }>
export type ShipmentDoc = Extract<Document, { type: 'shipment' }>
export type StockLogDoc = Extract<Document, { type: 'stock_log' }>
export type WorkDocType = Exclude<DocType, 'site'>
