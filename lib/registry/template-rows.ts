/**
 * The storage under the search index: every person in a slot (id, name, count of templates of
 * other models) and every template of the index's model in a row (unit vector in the
 * contiguous `VectorMatrix`, owner slot, UUID as 16 bytes, a stable label for HNSW).
 *
 * Per-row data lives in typed arrays indexed by row, so a scan dereferences nothing per
 * template. Rows stay dense: a removal moves the last row into the hole (swap-remove). Each
 * person's rows form a doubly linked list (head by slot, next/prev by row), so one person's
 * templates are found without a scan and survive the moves. Slots and labels of removed people
 * and templates are reused.
 */
import { UUID_BYTES, readUuid, uuidBytesEqual, writeUuid } from './uuid-bytes';
import { VectorMatrix } from './vector-matrix';

/** No row / no slot / end of a list. */
export const NONE = -1;

export class TemplateRows {
  readonly matrix: VectorMatrix;

  // People, by slot.
  private readonly slotByPersonId = new Map<string, number>();
  private personIds: (string | null)[] = [];
  private personNames: string[] = [];
  /** First row of the person's list of rows, or NONE. */
  private personHead: Int32Array = new Int32Array(1024).fill(NONE);
  private personStale: Int32Array = new Int32Array(1024);
  private freePersonSlots: number[] = [];
  private peopleCount = 0;
  private staleTotal = 0;

  // Templates, by row (dense: 0 .. rows - 1).
  private rows = 0;
  private rowPerson: Int32Array;
  private rowNext: Int32Array;
  private rowPrev: Int32Array;
  /** Stable small integer per template (HNSW label), independent of row moves. */
  private rowLabel: Int32Array;
  /** Template UUIDs, 16 bytes per row. */
  private rowUuid: Uint8Array;
  private labelRow: Int32Array;
  private freeLabels: number[] = [];
  private labelsIssued = 0;
  private readonly uuidScratch = new Uint8Array(UUID_BYTES);

  constructor(dim: number, opts: { initialRows?: number; useWasm?: boolean } = {}) {
    this.matrix = new VectorMatrix(dim, opts);
    const capacity = this.matrix.capacity;
    this.rowPerson = new Int32Array(capacity);
    this.rowNext = new Int32Array(capacity);
    this.rowPrev = new Int32Array(capacity);
    this.rowLabel = new Int32Array(capacity);
    this.rowUuid = new Uint8Array(capacity * UUID_BYTES);
    this.labelRow = new Int32Array(capacity).fill(NONE);
  }

  /** Templates held (rows 0 .. count - 1). */
  get count(): number {
    return this.rows;
  }

  get people(): number {
    return this.peopleCount;
  }

  /** Templates of other models, over all people. */
  get staleTemplates(): number {
    return this.staleTotal;
  }

  /** Slots issued so far (live or free): slot numbers are below this. */
  get slotsIssued(): number {
    return this.personIds.length;
  }

  /** Owner slot of every row; read it once before a scan (replaced when rows grow). */
  get personOfRow(): Int32Array {
    return this.rowPerson;
  }

  /** Approximate bytes held: vectors and per-row arrays. */
  byteLength(): number {
    return this.matrix.byteLength + this.rowPerson.byteLength * 4 + this.labelRow.byteLength + this.rowUuid.byteLength;
  }

  slotOf(personId: string): number | undefined {
    return this.slotByPersonId.get(personId);
  }

  personIdAt(slot: number): string {
    return this.personIds[slot] as string;
  }

  nameAt(slot: number): string {
    return this.personNames[slot];
  }

  /** The person's first row, or NONE; walk on with `nextRow`. */
  firstRow(slot: number): number {
    return this.personHead[slot];
  }

  nextRow(row: number): number {
    return this.rowNext[row];
  }

  templateIdAt(row: number): string {
    return readUuid(this.rowUuid, row * UUID_BYTES);
  }

  labelOf(row: number): number {
    return this.rowLabel[row];
  }

  /** The row holding `label`, or NONE once that template is removed. */
  rowOfLabel(label: number): number {
    return this.labelRow[label];
  }

  /** Labels of every row, in row order (a copy). */
  labels(): number[] {
    return Array.from(this.rowLabel.subarray(0, this.rows));
  }

  /** Adds the person, or renames them. */
  upsertPerson(personId: string, name: string): void {
    const slot = this.slotByPersonId.get(personId);
    if (slot !== undefined) {
      this.personNames[slot] = name;
      return;
    }
    const fresh = this.freePersonSlots.pop() ?? this.personIds.length;
    if (fresh >= this.personHead.length) {
      this.personHead = grow(this.personHead, fresh + 1, NONE);
      this.personStale = grow(this.personStale, fresh + 1, 0);
    }
    this.personIds[fresh] = personId;
    this.personNames[fresh] = name;
    this.personHead[fresh] = NONE;
    this.personStale[fresh] = 0;
    this.slotByPersonId.set(personId, fresh);
    this.peopleCount++;
  }

  /** Frees the slot of a person whose rows are all removed. */
  releasePerson(slot: number): void {
    this.staleTotal -= this.personStale[slot];
    this.personStale[slot] = 0;
    this.slotByPersonId.delete(this.personIds[slot] as string);
    this.personIds[slot] = null;
    this.personNames[slot] = '';
    this.freePersonSlots.push(slot);
    this.peopleCount--;
  }

  setStaleCount(slot: number, count: number): void {
    this.staleTotal += count - this.personStale[slot];
    this.personStale[slot] = count;
  }

  addStaleCount(slot: number, delta: number): void {
    this.personStale[slot] += delta;
    this.staleTotal += delta;
  }

  /** Appends a template (unit vector) to the person in `slot`; returns its row. */
  addRow(slot: number, templateId: string, embedding: Float32Array): number {
    const row = this.rows;
    this.ensureRows(row + 1);
    this.matrix.setRow(row, embedding);
    writeUuid(templateId, this.rowUuid, row * UUID_BYTES);
    this.rowPerson[row] = slot;
    // Link at the head of the person's list.
    const head = this.personHead[slot];
    this.rowPrev[row] = NONE;
    this.rowNext[row] = head;
    if (head !== NONE) this.rowPrev[head] = row;
    this.personHead[slot] = row;
    const label = this.freeLabels.pop() ?? this.labelsIssued++;
    this.rowLabel[row] = label;
    this.labelRow[label] = row;
    this.rows++;
    return row;
  }

  /** The person's row holding `templateId`, or NONE. */
  findRow(slot: number, templateId: string): number {
    const wanted = this.uuidScratch;
    writeUuid(templateId, wanted, 0);
    for (let row = this.personHead[slot]; row !== NONE; row = this.rowNext[row]) {
      if (uuidBytesEqual(this.rowUuid, row * UUID_BYTES, wanted, 0)) return row;
    }
    return NONE;
  }

  /** Unlinks `row`, frees its label and fills the hole with the last row. */
  removeRow(row: number): void {
    const slot = this.rowPerson[row];
    const prev = this.rowPrev[row];
    const next = this.rowNext[row];
    if (prev !== NONE) this.rowNext[prev] = next;
    else this.personHead[slot] = next;
    if (next !== NONE) this.rowPrev[next] = prev;

    const label = this.rowLabel[row];
    this.labelRow[label] = NONE;
    this.freeLabels.push(label);

    const last = this.rows - 1;
    if (row !== last) {
      this.matrix.copyRow(last, row);
      this.rowUuid.copyWithin(row * UUID_BYTES, last * UUID_BYTES, last * UUID_BYTES + UUID_BYTES);
      const lastSlot = this.rowPerson[last];
      this.rowPerson[row] = lastSlot;
      const lastPrev = this.rowPrev[last];
      const lastNext = this.rowNext[last];
      this.rowPrev[row] = lastPrev;
      this.rowNext[row] = lastNext;
      if (lastPrev !== NONE) this.rowNext[lastPrev] = row;
      else this.personHead[lastSlot] = row;
      if (lastNext !== NONE) this.rowPrev[lastNext] = row;
      const lastLabel = this.rowLabel[last];
      this.rowLabel[row] = lastLabel;
      this.labelRow[lastLabel] = row;
    }
    this.rows--;
  }

  private ensureRows(rows: number): void {
    if (rows <= this.matrix.capacity) return;
    this.matrix.ensureCapacity(rows);
    const capacity = this.matrix.capacity;
    this.rowPerson = resized(this.rowPerson, capacity, 0);
    this.rowNext = resized(this.rowNext, capacity, 0);
    this.rowPrev = resized(this.rowPrev, capacity, 0);
    this.rowLabel = resized(this.rowLabel, capacity, 0);
    this.labelRow = resized(this.labelRow, capacity, NONE);
    const uuids = new Uint8Array(capacity * UUID_BYTES);
    uuids.set(this.rowUuid);
    this.rowUuid = uuids;
  }
}

/** `array` grown (doubling) to hold at least `length` items; new items are `fill`. */
function grow(array: Int32Array, length: number, fill: number): Int32Array {
  let capacity = array.length;
  while (capacity < length) capacity *= 2;
  return resized(array, capacity, fill);
}

function resized(array: Int32Array, length: number, fill: number): Int32Array {
  if (length === array.length) return array;
  const out = new Int32Array(length).fill(fill);
  out.set(array.subarray(0, Math.min(length, array.length)));
  return out;
}
