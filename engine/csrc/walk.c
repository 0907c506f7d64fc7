// The walk that builds a file's node table (`NodeTable::build` in src/file.rs).
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

// Walks the tree below `root` (its root included). Returns false only when memory ran out, the
// walk then having stopped part way.
bool ppa_walk_tree(TSNode root, void *ctx, ppa_visit_fn visit, ppa_leave_fn leave) {
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
      TSNode node = ts_node_new(tree, child, position, alias);
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
