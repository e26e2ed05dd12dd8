// Snowball's C stemmers, from Debian's libstemmer-dev (libstemmer.so, Snowball 2.2).
#include <libstemmer.h>
