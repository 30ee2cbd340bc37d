/* Stand-in for Windows 10's bcryptprimitives.dll, used ONLY inside the Wine prefixes of the Windows CI
   (scripts/wine-env.sh). Wine 8 has no bcryptprimitives.dll, and the Rust standard library in the
   cryptography wheel (_rust.pyd) takes its random bytes from ProcessPrng there. This one fills the buffer
   from Wine's RtlGenRandom (advapi32 SystemFunction036), the OS random source Wine does have.
   Never shipped with the program. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
