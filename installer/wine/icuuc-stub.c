/* Stand-in for Windows 10's system icuuc.dll, used ONLY inside the Wine prefixes of the Windows CI
   (scripts/wine-env.sh). Wine 8 has no icuuc.dll, and Qt6Core.dll (Qt >= 6.10) imports these ucnv_*
   converter functions from it for codecs beyond Qt's built-in ones (dxdesk uses only UTF-8).
   Every converter "fails to open", so Qt falls back to its built-in codecs. Never shipped with the program. */
#include <stddef.h>

#define API __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4

API void *ucnv_open(const char *name, int *status)
{
    (void)name;
    if (status && *status <= 0)
        *status = U_FILE_ACCESS_ERROR;
    return NULL;
}
API void ucnv_close(void *converter) { (void)converter; }
API int ucnv_countAvailable(void) { return 0; }
API const char *ucnv_getAvailableName(int index) { (void)index; return NULL; }
API const char *ucnv_getStandardName(const char *name, const char *standard, int *status)
{
    (void)name; (void)standard; (void)status;
    return NULL;
}
API const char *ucnv_getName(const void *converter, int *status)
{
    (void)converter;
    if (status && *status <= 0)
        *status = U_FILE_ACCESS_ERROR;
    return NULL;
}

/* Never reached (no converter ever opens), but Qt6Core.dll links against them. */
#define UNUSED_ENTRY(name) API size_t name(void) { return 0; }
UNUSED_ENTRY(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
UNUSED_ENTRY(UCNV_TO_U_CALLBACK_SUBSTITUTE)
UNUSED_ENTRY(ucnv_cbFromUWriteUChars)
UNUSED_ENTRY(ucnv_cbToUWriteUChars)
UNUSED_ENTRY(ucnv_fromUCountPending)
UNUSED_ENTRY(ucnv_fromUnicode)
UNUSED_ENTRY(ucnv_getFromUCallBack)
UNUSED_ENTRY(ucnv_getMaxCharSize)
UNUSED_ENTRY(ucnv_getToUCallBack)
UNUSED_ENTRY(ucnv_reset)
UNUSED_ENTRY(ucnv_setFromUCallBack)
UNUSED_ENTRY(ucnv_setToUCallBack)
UNUSED_ENTRY(ucnv_toUCountPending)
UNUSED_ENTRY(ucnv_toUnicode)
