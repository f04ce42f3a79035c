/*
 * entitlements/explain_layout.c - the columns of explain's text form.
 *
 * Text output fits an 80-column terminal: a row is "  LEFT  TEXT  [why]", LEFT padded so a
 * section's rows line up, the why flush right so that the whys form a column of their own;
 * long text wraps on spaces onto indented continuation lines. Lists of words (system call
 * names, a command line) fill lines instead.
 *
 * Pure code: writes to the FILE * it is given.
 */
#include "entitlements/explain_internal.h"

#include <string.h>

#define WIDTH      80 /* text output fits an 80-column terminal */
#define RIGHT_EDGE 79 /* whys end here: a full 80-column line wraps on some terminals */

/* Where to break text so that its first line has at most room columns: the last space that
 * fits, else the first space (a long path stays whole), else the end. */
static size_t break_at(const char *text, int room)
{
	size_t cut = 0;

	for (size_t i = 0; text[i] && (int)i <= room; i++)
		if (text[i] == ' ')
			cut = i;
	return cut ? cut : strcspn(text, " ");
}

/*
 * One row of a section: "  LEFT  TEXT" with LEFT padded to left_w, so that a section's rows
 * line up, and "[why]" flush right at column 79, so that the whys form a column of their own.
 * Text too long for the line continues on the next, indented; a why that does not fit after
 * the text goes on a line of its own, still flush right.
 */
void ent_put_row(FILE *out, int indent, int left_w, const char *left, const char *text,
                 const char *why)
{
	int left_len = (int)strlen(left);
	int text_col =
	        indent + (left_len || left_w ? (left_len > left_w ? left_len : left_w) + 1 : 0);
	int why_len = why && why[0] ? (int)strlen(why) + 2 : 0;
	int col = fprintf(out, "%*s%s", indent, "", left);
	int at = text_col;

	while (*text) {
		size_t n = strlen(text);

		if (at + (int)n > RIGHT_EDGE)
			n = break_at(text, RIGHT_EDGE - at);
		col += fprintf(out, "%*s%.*s", at - col, "", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text) {
			fputc('\n', out);
			col = 0;
			at = text_col + 2;
		}
	}
	if (why_len) {
		if (col + 2 + why_len > RIGHT_EDGE) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s[%s]", RIGHT_EDGE - col - why_len, "", why);
	}
	fputc('\n', out);
}

void ent_wrap_word(struct ent_word_wrap *w, const char *word)
{
	int len = (int)strlen(word);

	if (w->col && w->col + 1 + len > RIGHT_EDGE) {
		fputc('\n', w->out);
		w->col = 0;
	}
	if (!w->col)
		w->col = fprintf(w->out, "%*s%s", w->indent, "", word);
	else
		w->col += fprintf(w->out, " %s", word);
}

void ent_wrap_end(struct ent_word_wrap *w)
{
	if (w->col)
		fputc('\n', w->out);
	w->col = 0;
}
