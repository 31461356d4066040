export interface Tag {
  id: string;
  name: string;
}

/** A contact with its full current upstream tag set; `raw` is the whole upstream item. */
export interface Contact {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  tags: Tag[];
  createdAt: Date | null;
  updatedAt: Date | null;
  raw: Record<string, unknown>;
}
