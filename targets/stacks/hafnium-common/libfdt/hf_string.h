/*
 * What libfdt_env.h takes from <string.h> and <stdlib.h>, which Hafnium (built -nostdinc)
 * does not have: the stack build puts an include of this file in their place. Hafnium's
 * libc provides the mem* functions, string.c the str* ones.
 */
#ifndef FFA_CTS_HF_STRING_H
#define FFA_CTS_HF_STRING_H

#include <stddef.h>

/*
 * Hafnium's src/fdt.c calls CHECK() without including hf/check.h (its dtc fork's
 * libfdt_env.h brought it in), so this header does.
 */
#if __has_include("hf/check.h")
#include "hf/check.h"
#endif

void *memchr(const void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
char *strchr(const char *s, int c);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strrchr(const char *s, int c);

#endif
