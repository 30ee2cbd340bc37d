; Inno Setup 6 script: the Windows installer of dxdesk (Windows 10 1809+ / 11, 64-bit: Qt 6's floor).
;
; Needs Inno Setup 6.4.1 or later: CI compiles it with the real ISCC.exe of Inno Setup 6.4.1 (npm package
; `innosetup`, run under Wine by scripts/build-windows.sh), installs it silently, runs the installed program
; and uninstalls it (scripts/smoke-windows.sh).
;
; Build on Windows, from the repository root, after the PyInstaller build made dist\dxdesk\:
;   iscc /DAppVersion=0.1.0 installer\dxdesk.iss      ->  dist\dxdesk-setup-0.1.0.exe
; scripts/build-windows.sh passes /DBuildDir=... and /O... (its folders are under build\windows).
; Signing (optional, only when a code-signing certificate is provided): define a sign tool with ISCC's /S and
; name it with /DSignToolName, e.g.
;   iscc "/Ssigntool=signtool.exe sign /f C:\keys\province.pfx /p PASSWORD /fd sha256 /tr http://timestamp.digicert.com /td sha256 $f" /DSignToolName=signtool installer\dxdesk.iss
; and the setup and its uninstaller are signed. Without it nothing is signed (SmartScreen warns once).
;
; What it does:
;  * installs per user, WITHOUT administrator rights (PrivilegesRequired=lowest), into
;    %LOCALAPPDATA%\Programs\dxdesk; an administrator may choose "for all users" instead (the dialog, or
;    /ALLUSERS on the command line), which installs into C:\Program Files\dxdesk;
;  * Start-menu shortcut and (ticked by default) a desktop shortcut, both to dxdesk-gui.exe, starting in the
;    user's Documents folder (where the reports are saved by default);
;  * an upgrade first deletes the old _internal\ folder, so no library of an older version is left behind;
;  * Vietnamese (default) or English wizard; Vietnamese.isl is kept next to this script because Inno
;    Setup ships none;
;  * the uninstaller removes only the program folder. The user's data (database, backups, logs, settings)
;    lives in the user's profile (%LOCALAPPDATA%\dxdesk), which it never touches.

#if VER < EncodeVer(6, 4, 1)
  #error Inno Setup 6.4.1 or later is needed (CI uses 6.4.1)
#endif
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "dxdesk"
#define AppExe "dxdesk-gui.exe"
#ifndef BuildDir
  #define BuildDir "..\dist\dxdesk"
#endif

[Setup]
; AppId identifies the program for upgrades and uninstall: never change it.
AppId={{6E4B1F3A-8C2D-4B7E-9A51-3D0C7F2E9B84}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=dxdesk maintainers
AppComments=Quầy hỗ trợ chuyển đổi số: sổ ghi nhận, lịch trực, hướng dẫn QR và báo cáo
; Per user: %LOCALAPPDATA%\Programs\dxdesk; for all users (administrator): C:\Program Files\dxdesk.
; ({autopf} and {userpf} are not used: in per-user mode neither expands under the CI's Wine 8.)
DefaultDirName={code:DefaultInstallDir}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
LicenseFile=LICENSE.txt
SetupIconFile=..\resources\icons\dxdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir=..\dist
OutputBaseFilename=dxdesk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=auto
#ifdef SignToolName
SignTool={#SignToolName}
SignedUninstaller=yes
#endif

[Languages]
; First entry = default when Windows' UI language matches neither.
Name: "vi"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
vi.AppDescription=Quầy hỗ trợ chuyển đổi số
en.AppDescription=Digital transformation help desk

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Upgrade: the previous version's libraries go first (a file that a newer build no longer has must not stay
; next to the new ones). Only the program folder's own _internal; the user's data is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder build: dxdesk.exe (console, the CLI), dxdesk-gui.exe (windowed) and _internal\.
Source: "{#BuildDir}\dxdesk.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BuildDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BuildDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "LICENSE.txt"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppDescription}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppDescription}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its own folder (Python byte-code caches). The user's data is
; elsewhere (%LOCALAPPDATA%\dxdesk) and is kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function DefaultInstallDir(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := ExpandConstant('{commonpf}\{#AppName}')
  else
    // {localappdata}\Programs is what Windows calls the user's program folder ({userpf}); Wine 8 cannot
    // expand {userpf} (nor {autopf} in per-user mode), so the folder is named the way that works on both.
    Result := ExpandConstant('{localappdata}\Programs\{#AppName}');
end;
