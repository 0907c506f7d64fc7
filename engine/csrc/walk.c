// The engine's walk over a tree-sitter tree, which builds a file's node table
// (`NodeTable::build_as` in src/file.rs), and its reads of a node's children (below).
//
// tree-sitter's public cursor visits exactly the nodes this walk visits, in the same order, with
// the same node values and fields, but it pays for its generality at every step: a node's
// parent, alias and field are found again from the cursor's stack, and moving to the next
// sibling first climbs out of every hidden node the current one sits in (Python wraps most
// nodes in a few: `_simple_statements`, `expression`, `primary_expression` ...), looks for a
// later child at each level and descends again. Building the table through the cursor cost
// about 900 instructions a listed node on a large Python code base; this walk keeps, for each
// node it is inside, where it is among that node's children, and pays a few dozen.
//
// It reads the tree through tree-sitter's internal headers (the subtree layout, the language's
// alias and field tables), taken from the very tree-sitter sources the library is compiled
// from (build.rs), so the layout it reads is always the one the library wrote. A tree-sitter
// upgrade that changes those internals breaks this file's compilation, not its results; the
// engine's tests compare every node, field and order against the public cursor
// (`node_table_matches_the_cursor`).

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tree_sitter/api.h"
#include "language.h"
#include "length.h"
#include "subtree.h"
#include "tree.h"

// Called for every visible node in document order (the root first) with its number of visible
// children and its field (0 for none). Returns what to do next: PPA_SKIP the node's children,
// PPA_ENTER them (the node is then closed by a call of `leave` after the last of them), or
// PPA_STOP the walk.
enum { PPA_SKIP = 0, PPA_ENTER = 1, PPA_STOP = 2 };
typedef uint32_t (*ppa_visit_fn)(void *ctx, TSNode node, uint32_t child_count, uint16_t field);
typedef void (*ppa_leave_fn)(void *ctx);

// A node whose children the walk is going through.
typedef struct {
  const Subtree *children;
  uint32_t count;
  // The next child, counting every child and counting only the non-extra ones (aliases and
  // fields are numbered by the latter).
  uint32_t index;
  uint32_t structural;
  // Where the next child starts (its padding excluded).
  Length position;
  const TSSymbol *aliases;
  const TSFieldMapEntry *fields;
  const TSFieldMapEntry *fields_end;
  // The field a hidden node stands in, which its visible descendants inherit when they have no
  // field of their own in it (what the cursor finds by climbing through hidden nodes).
  uint16_t inherited;
  // Whether this is a visible node, closed by `leave`, or a hidden one.
  bool visible;
} Frame;

// The frames start in a buffer on the C stack, which holds the depth of most walks (a node's
// children, a function body): walks that go deeper move to the heap.
#define INLINE_FRAMES 48

typedef struct {
  Frame *frames;
  uint32_t size;
  uint32_t capacity;
  Frame inline_frames[INLINE_FRAMES];
} Stack;

static bool push(Stack *stack, const TSLanguage *language, Subtree parent, Length position,
                 uint16_t inherited, bool visible) {
  if (stack->size == stack->capacity) {
    uint32_t capacity = stack->capacity * 2;
    Frame *frames;
    if (stack->frames == stack->inline_frames) {
      frames = malloc(capacity * sizeof(Frame));
      if (frames) memcpy(frames, stack->frames, stack->size * sizeof(Frame));
    } else {
      frames = realloc(stack->frames, capacity * sizeof(Frame));
    }
    if (!frames) return false;
    stack->frames = frames;
    stack->capacity = capacity;
  }
  Frame *f = &stack->frames[stack->size++];
  uint16_t production = parent.ptr->production_id;
  f->children = ts_subtree_children(parent);
  f->count = parent.ptr->child_count;
  f->index = 0;
  f->structural = 0;
  f->position = position;
  f->aliases = ts_language_alias_sequence(language, production);
  ts_language_field_map(language, production, &f->fields, &f->fields_end);
  f->inherited = inherited;
  f->visible = visible;
  return true;
}

// A node at `position` (tree-sitter's `ts_node_new`, here where the walk can inline it: it is
// a call into node.c, made for every node listed).
static inline TSNode node_new(const TSTree *tree, const Subtree *subtree, Length position,
                              TSSymbol alias) {
  return (TSNode){
      {position.bytes, position.extent.row, position.extent.column, alias}, subtree, tree};
}

// The kind id of a node made by `node_new` (tree-sitter's `ts_node_symbol`: the alias, else the
// subtree's symbol, mapped to the grammar's public symbol), inlined likewise.
static inline TSSymbol node_kind(TSNode node) {
  TSSymbol symbol = (TSSymbol)node.context[3];
  if (!symbol) symbol = ts_subtree_symbol(*(const Subtree *)node.id);
  if (symbol == ts_builtin_sym_error) return symbol;
  return node.tree->language->public_symbol_map[symbol];
}

// Walks the tree below `root` (its root included), calling `visit` and `leave` as
// `ppa_walk_tree` says. Always inlined: each caller gets its own copy, in which `visit` and
// `leave` are known functions (`ppa_build_table`'s are then inlined into the loop).
static inline __attribute__((always_inline)) bool walk_core(TSNode root, void *ctx,
                                                              ppa_visit_fn visit,
                                                              ppa_leave_fn leave) {
  const TSTree *tree = root.tree;
  const TSLanguage *language = tree->language;
  Subtree top = *(const Subtree *)root.id;
  uint32_t top_children = ts_subtree_visible_child_count(top);
  if (visit(ctx, root, top_children, 0) != PPA_ENTER || top_children == 0) return true;

  Stack stack;
  stack.frames = stack.inline_frames;
  stack.size = 0;
  stack.capacity = INLINE_FRAMES;
  Length start = {root.context[0], {root.context[1], root.context[2]}};
  bool ok = push(&stack, language, top, start, 0, true);
  while (ok && stack.size > 0) {
    Frame *f = &stack.frames[stack.size - 1];
    if (f->index == f->count) {
      bool visible = f->visible;
      stack.size--;
      if (visible) leave(ctx);
      continue;
    }
    const Subtree *child = &f->children[f->index];
    Length position = f->position;
    f->index++;
    f->position = length_add(position, ts_subtree_size(*child));
    if (f->index < f->count) {
      f->position = length_add(f->position, ts_subtree_padding(f->children[f->index]));
    }

    TSSymbol alias = 0;
    uint16_t field = 0;
    bool extra = ts_subtree_extra(*child);
    if (!extra) {
      if (f->aliases) alias = f->aliases[f->structural];
      for (const TSFieldMapEntry *m = f->fields; m < f->fields_end; m++) {
        if (!m->inherited && m->child_index == f->structural) {
          field = m->field_id;
          break;
        }
      }
      if (!field) field = f->inherited;
      f->structural++;
    }

    uint32_t children = ts_subtree_visible_child_count(*child);
    if (ts_subtree_visible(*child) || alias) {
      TSNode node = node_new(tree, child, position, alias);
      uint32_t next = visit(ctx, node, children, field);
      if (next == PPA_STOP) break;
      if (next == PPA_ENTER && children > 0) {
        ok = push(&stack, language, *child, position, 0, true);
      }
    } else if (children > 0) {
      // A hidden node: its visible children are its parent's. One that is an extra stands in
      // no field, and hides the fields above it from its descendants.
      ok = push(&stack, language, *child, position, extra ? 0 : field, false);
    }
  }
  if (stack.frames != stack.inline_frames) free(stack.frames);
  return ok;
}

// Walks the tree below `root` (its root included). Returns false only when memory ran out, the
// walk then having stopped part way.
bool ppa_walk_tree(TSNode root, void *ctx, ppa_visit_fn visit, ppa_leave_fn leave) {
  return walk_core(root, ctx, visit, leave);
}

// ---------------------------------------------------------------------------------------------
// The node table (`NodeTable::build_as` in src/file.rs), written by the walk itself.
//
// Through `ppa_walk_tree`, each listed node was a call into Rust that pushed onto six vectors
// (a capacity test each) and asked whether to enter the node: about 200 instructions a node,
// as many as the walk's own step (callgrind, prefect with every pack). Here the walk stores
// each row into the table's arrays, and asks Rust only about the nodes that have children and
// whose kind says to ask (`how`): the dispatching walk's decision depends on the node only for
// a few kinds (strings, token-only nodes, marker tests); every other node is entered.

// What to do with a node that has children, by kind id: enter it (PPA_HOW_ENTER), or, with
// PPA_HOW_TOKENS, leave its children out when they are all leaves, and, with PPA_HOW_ASK,
// leave them out unless `ask` says otherwise (asked last).
enum { PPA_HOW_ENTER = 0, PPA_HOW_ASK = 1, PPA_HOW_TOKENS = 2 };

// The table's arrays (src/file.rs `NodeTable`, one row per listed node in document order) and
// how many rows they hold and have room for. `field` may be NULL (no fields kept).
typedef struct PpaTable {
  TSNode *nodes;
  uint32_t *parent;
  uint32_t *depth;
  uint16_t *field;
  uint32_t *end;
  bool *skipped;
  uint16_t *kind;
  uint32_t *start;
  uint32_t len;
  uint32_t capacity;
} PpaTable;

// Whether to enter `node` (a node with children of kind `kind`, whose `how` is PPA_HOW_ASK),
// which ends at byte `end`.
typedef bool (*ppa_ask_fn)(void *ctx, TSNode node, TSSymbol kind, uint32_t end);
// Makes room for at least one more row: the arrays may move (their pointers and `capacity`
// are updated). False when memory ran out.
typedef bool (*ppa_grow_fn)(void *ctx, PpaTable *table);

// The indices of the nodes the walk is inside (the path from the root), innermost last.
#define INLINE_PATH 64

typedef struct {
  PpaTable *table;
  const uint8_t *how;
  uint32_t how_len;
  uint8_t how_default;
  void *ctx;
  ppa_ask_fn ask;
  ppa_grow_fn grow;
  uint32_t *path;
  uint32_t path_len;
  uint32_t path_capacity;
  bool failed;
  uint32_t inline_path[INLINE_PATH];
} TableWalk;

static inline __attribute__((always_inline)) uint32_t table_visit(void *vctx, TSNode node,
                                                                  uint32_t children,
                                                                  uint16_t field) {
  TableWalk *w = vctx;
  PpaTable *t = w->table;
  if (t->len == t->capacity && !w->grow(w->ctx, t)) {
    w->failed = true;
    return PPA_STOP;
  }
  uint32_t i = t->len++;
  t->nodes[i] = node;
  t->parent[i] = w->path_len ? w->path[w->path_len - 1] : UINT32_MAX;
  t->depth[i] = w->path_len;
  if (t->field) t->field[i] = field;
  t->skipped[i] = false;
  TSSymbol kind = node_kind(node);
  t->kind[i] = kind;
  t->start[i] = node.context[0];
  if (children == 0) {
    t->end[i] = t->len;
    return PPA_SKIP;
  }
  uint8_t how = kind < w->how_len ? w->how[kind] : w->how_default;
  if (((how & PPA_HOW_TOKENS) &&
       ts_subtree_visible_descendant_count(*(const Subtree *)node.id) == children) ||
      ((how & PPA_HOW_ASK) &&
       !w->ask(w->ctx, node, kind,
               node.context[0] + ts_subtree_size(*(const Subtree *)node.id).bytes))) {
    t->skipped[i] = true;
    t->end[i] = t->len;
    return PPA_SKIP;
  }
  if (w->path_len == w->path_capacity) {
    uint32_t capacity = w->path_capacity * 2;
    uint32_t *path;
    if (w->path == w->inline_path) {
      path = malloc(capacity * sizeof(uint32_t));
      if (path) memcpy(path, w->path, w->path_len * sizeof(uint32_t));
    } else {
      path = realloc(w->path, capacity * sizeof(uint32_t));
    }
    if (!path) {
      w->failed = true;
      return PPA_STOP;
    }
    w->path = path;
    w->path_capacity = capacity;
  }
  w->path[w->path_len++] = i;
  // Set when the walk leaves the node.
  t->end[i] = 0;
  return PPA_ENTER;
}

static inline __attribute__((always_inline)) void table_leave(void *vctx) {
  TableWalk *w = vctx;
  if (w->path_len > 0) {
    uint32_t p = w->path[--w->path_len];
    w->table->end[p] = w->table->len;
  }
}

// Appends the rows of `root` and the nodes below it to `table`: the nodes `ppa_walk_tree`
// visits, entering a node with children unless its kind's `how` (`how_default` for kinds at
// or past `how_len`) is PPA_HOW_ASK and `ask` says no. Each row: the node, its parent's row
// (UINT32_MAX at the root), its depth, its field (when `table->field` is set), the row after
// its listed descendants, whether it has children left out, its kind id and its start byte. `grow` is called when the
// arrays are full. False when memory ran out, the table then being partial.
bool ppa_build_table(TSNode root, PpaTable *table, const uint8_t *how, uint32_t how_len,
                     uint8_t how_default, void *ctx, ppa_ask_fn ask, ppa_grow_fn grow) {
  TableWalk w;
  w.table = table;
  w.how = how;
  w.how_len = how_len;
  w.how_default = how_default;
  w.ctx = ctx;
  w.ask = ask;
  w.grow = grow;
  w.path = w.inline_path;
  w.path_len = 0;
  w.path_capacity = INLINE_PATH;
  w.failed = false;
  bool ok = walk_core(root, &w, table_visit, table_leave);
  if (w.path != w.inline_path) free(w.path);
  return ok && !w.failed;
}

// ---------------------------------------------------------------------------------------------
// A node's child in a field: tree-sitter's `ts_node_child_by_field_id` without its generality
// where it is not needed.
//
// tree-sitter's lookup goes through its child iterator and handles fields that hidden
// children pass up to the node; it cost about 370 instructions a lookup on the nodes the
// engine asks about (callgrind, prefect with every pack), most of them a call's callee or
// arguments, an attribute's object or name. When none of the field's entries in the node's
// production is inherited from a hidden child, the child is the first one, from the first
// entry's place on, that is visible (or aliased), or the first visible node below a hidden one
// (a supertype; tree-sitter's `ts_node_child(child, 0)`): that case is answered here by
// stepping through the node's children. A field
// inherited from a hidden child is left to tree-sitter.
// The visible child at `index` (with `named`, counting only named ones) of the node whose
// subtree is `node`, at `position`, found through hidden children (below). Inlined into both
// callers: a call of its own per lookup cost 13 M instructions on prefect.
static inline __attribute__((always_inline)) TSNode child_at(const TSTree *tree, Subtree node, Length position, uint32_t index,
                       bool named);

TSNode ppa_child_by_field(TSNode self, TSFieldId field_id) {
  TSNode none = {{0, 0, 0, 0}, NULL, NULL};
  Subtree parent = *(const Subtree *)self.id;
  if (!field_id || ts_subtree_child_count(parent) == 0 || parent.ptr->visible_child_count == 0) {
    return none;
  }
  const TSLanguage *language = self.tree->language;
  const TSFieldMapEntry *map, *map_end;
  ts_language_field_map(language, parent.ptr->production_id, &map, &map_end);
  if (map == map_end) return none;
  // The entries are sorted by field id: the field's are a run of them.
  while (map->field_id < field_id) {
    if (++map == map_end) return none;
  }
  while (map_end[-1].field_id > field_id) {
    if (--map_end == map) return none;
  }
  for (const TSFieldMapEntry *m = map; m < map_end; m++) {
    if (m->inherited) return ts_node_child_by_field_id(self, field_id);
  }
  const TSSymbol *aliases = ts_language_alias_sequence(language, parent.ptr->production_id);
  const Subtree *children = ts_subtree_children(parent);
  uint32_t count = parent.ptr->child_count;
  Length position = {self.context[0], {self.context[1], self.context[2]}};
  uint32_t structural = 0;
  for (uint32_t i = 0; i < count; i++) {
    const Subtree *child = &children[i];
    if (i > 0) position = length_add(position, ts_subtree_padding(*child));
    if (!ts_subtree_extra(*child)) {
      TSSymbol alias = aliases ? aliases[structural] : 0;
      uint32_t index = structural++;
      if (index >= map->child_index) {
        if (ts_subtree_visible(*child) || alias) return node_new(self.tree, child, position, alias);
        // A hidden node in the field (a supertype such as Python's `expression`): its first
        // visible node.
        if (ts_subtree_visible_child_count(*child) > 0) {
          return child_at(self.tree, *child, position, 0, false);
        }
        if (++map == map_end) return none;
      }
    }
    position = length_add(position, ts_subtree_size(*child));
  }
  return none;
}

// The `index`-th visible child of `self` (with `named`, counting only named ones), found
// through hidden children: tree-sitter's `ts_node_child` / `ts_node_named_child`, stepping
// through the children directly instead of through tree-sitter's child iterator (which
// computes the node's start point first; about 280 instructions a call, callgrind on prefect).
TSNode ppa_child(TSNode self, uint32_t index, bool named) {
  Length position = {self.context[0], {self.context[1], self.context[2]}};
  return child_at(self.tree, *(const Subtree *)self.id, position, index, named);
}

static inline __attribute__((always_inline)) TSNode child_at(const TSTree *tree, Subtree node,
                                                             Length position, uint32_t index,
                                                             bool named) {
  TSNode none = {{0, 0, 0, 0}, NULL, NULL};
  const TSLanguage *language = tree->language;
descend:
  if (ts_subtree_child_count(node) == 0) return none;
  const TSSymbol *aliases = ts_language_alias_sequence(language, node.ptr->production_id);
  const Subtree *children = ts_subtree_children(node);
  uint32_t count = node.ptr->child_count;
  uint32_t structural = 0;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < count; i++) {
    const Subtree *child = &children[i];
    if (i > 0) position = length_add(position, ts_subtree_padding(*child));
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      if (aliases) alias = aliases[structural];
      structural++;
    }
    bool relevant;
    if (!named) {
      relevant = ts_subtree_visible(*child) || alias;
    } else if (alias) {
      relevant = ts_language_symbol_metadata(language, alias).named;
    } else {
      relevant = ts_subtree_visible(*child) && ts_subtree_named(*child);
    }
    if (relevant) {
      if (seen == index) return node_new(tree, child, position, alias);
      seen++;
    } else {
      uint32_t inner = ts_subtree_child_count(*child) == 0 ? 0
                       : named ? child->ptr->named_child_count
                               : child->ptr->visible_child_count;
      if (index - seen < inner) {
        index -= seen;
        node = *child;
        goto descend;
      }
      seen += inner;
    }
    position = length_add(position, ts_subtree_size(*child));
  }
  return none;
}

// Whether `id` (a node's subtree pointer) is one of the visible children of `parent` (a
// subtree, listed with its production's aliases): in its children array, or in that of a
// hidden child, not aliased, through which its visible children are `parent`'s.
static bool among_children(const TSLanguage *language, Subtree parent, const void *id) {
  if (ts_subtree_child_count(parent) == 0) return false;
  const Subtree *children = ts_subtree_children(parent);
  uint32_t count = parent.ptr->child_count;
  if ((const Subtree *)id >= children && (const Subtree *)id < children + count) return true;
  const TSSymbol *aliases = ts_language_alias_sequence(language, parent.ptr->production_id);
  uint32_t structural = 0;
  for (uint32_t i = 0; i < count; i++) {
    Subtree child = children[i];
    TSSymbol alias = 0;
    if (!ts_subtree_extra(child)) {
      if (aliases) alias = aliases[structural];
      structural++;
    }
    if (!ts_subtree_visible(child) && !alias && ts_subtree_visible_child_count(child) > 0 &&
        among_children(language, child, id)) {
      return true;
    }
  }
  return false;
}

// Whether `node` is a child of `parent` (a visible one, as `ts_node_child` lists them): what
// `ts_node_child_with_descendant(parent, node)` being `node` says, without the descent from
// `parent` that finds the child first.
bool ppa_is_child(TSNode parent, TSNode node) {
  if (parent.tree != node.tree || !node.id) return false;
  return among_children(parent.tree->language, *(const Subtree *)parent.id, node.id);
}

// A node's kind id: tree-sitter's `ts_node_symbol` with its public-symbol lookup inlined (a
// call into language.c there), for the engine's kind tests on every node it reads.
TSSymbol ppa_node_kind(TSNode node) { return node_kind(node); }

// ---------------------------------------------------------------------------------------------
// A node's visible children with their fields, as the walk visits them (`for_each_child` in
// src/tree_walk.rs). Through `ppa_walk_tree`, each child was a call into Rust: about a
// thousand instructions to list a node's children (callgrind, prefect).

typedef struct {
  TSNode node;
  uint16_t field;
} PpaChild;

typedef struct {
  PpaChild *out;
  uint32_t len;
  uint32_t capacity;
  bool at_root;
} ChildList;

static inline __attribute__((always_inline)) uint32_t list_visit(void *vctx, TSNode node,
                                                                 uint32_t children,
                                                                 uint16_t field) {
  ChildList *l = vctx;
  (void)children;
  if (l->at_root) {
    l->at_root = false;
    return PPA_ENTER;
  }
  if (l->len == l->capacity) return PPA_STOP;
  l->out[l->len].node = node;
  l->out[l->len].field = field;
  l->len++;
  return PPA_SKIP;
}

static inline __attribute__((always_inline)) void list_leave(void *vctx) { (void)vctx; }

// Writes the visible children of `node` and their fields (0 for none) to `out`, in order, up to
// `capacity` of them (its visible child count is all there are). Returns how many, or
// UINT32_MAX when memory ran out.
uint32_t ppa_children(TSNode node, PpaChild *out, uint32_t capacity) {
  ChildList l = {out, 0, capacity, true};
  if (!walk_core(node, &l, list_visit, list_leave)) return UINT32_MAX;
  return l.len;
}
