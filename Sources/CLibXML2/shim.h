// libxml2 is built with ICU, and its encoding.h then includes ICU's headers, which clash with the
// copy Foundation carries. ReplyQA never touches the ICU converter fields, so hide them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
