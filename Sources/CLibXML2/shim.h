// libxml2's HTML parser and tree API, from Debian's libxml2-dev (include path from pkg-config libxml-2.0).
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, whose system headers clash with the ICU that Foundation bundles; the encoding
// API that would include them is not used here.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

// `xmlFree` is a global function pointer, which Swift 6 refuses to read from concurrent code.
static inline void alliance_xml_free(void *pointer) { xmlFree(pointer); }
