'use client';

import { useEffect, useId } from 'react';
import { Banner } from './Banner';
import { GuidedShots } from './enroll/GuidedShots';
import { PersonForm } from './enroll/PersonForm';
import { RegistrationOutcome } from './enroll/RegistrationOutcome';
import { REQUIRED_SHOTS } from './enroll/shot-guide';
import { useGuidedCapture } from './enroll/use-guided-capture';
import { useRegistration, type Mode } from './enroll/use-registration';
import { PhotoUpload } from './PhotoUpload';
import { useCamera } from './use-camera';

/**
 * Registration: a name (and optional external id), then guided camera shots or uploaded
 * photos. The person is created on the first shot or upload, so opening the camera and
 * leaving creates nobody. Each accepted image is a face template at once. The state lives in
 * two hooks (the registration; the capture presses), the steps in components/enroll/.
 */
export function EnrollWizard() {
  const formId = useId();
  const reg = useRegistration();
  const camera = useCamera();
  const shots = useGuidedCapture({
    videoRef: camera.videoRef,
    ensurePerson: reg.ensurePerson,
    onResult: reg.onResult,
    onError: reg.fail,
    onAttempted: reg.markTried,
  });
  const { mode, person } = reg;
  const { start: startCamera, stop: stopCamera } = camera;

  const accepted = person?.templateCount ?? 0;
  const ready = accepted >= (mode === 'upload' ? 1 : REQUIRED_SHOTS);

  // The <video> exists only in camera mode: start the camera once it is rendered.
  useEffect(() => {
    if (mode === 'camera') void startCamera();
    else stopCamera();
  }, [mode, startCamera, stopCamera]);

  const choose = (m: Mode) => {
    if (reg.choose(m)) shots.cancel();
  };

  const restart = () => {
    shots.reset();
    reg.reset();
  };

  return (
    <div className="space-y-6">
      {reg.deleted && !person && (
        <Banner tone="info" title={`${reg.deleted} was deleted`}>
          Nothing of them is kept. You can register someone now.
        </Banner>
      )}

      <PersonForm
        formId={formId}
        name={reg.name}
        onNameChange={reg.setName}
        externalId={reg.externalId}
        onExternalIdChange={reg.setExternalId}
        nameError={reg.nameError}
        nameRef={reg.nameRef}
        person={person}
        mode={mode}
        onChoose={choose}
      />

      {reg.error && (
        <Banner tone="error" title="That did not work">
          {reg.error}
        </Banner>
      )}

      {mode && (
        <section aria-labelledby={`${formId}-faces`} className="space-y-4 rounded-lg border border-slate-800 bg-slate-900/60 p-4">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id={`${formId}-faces`} className="text-lg font-semibold">
              2. {mode === 'camera' ? 'Guided shots' : 'Photos'}
            </h2>
            <p className="text-slate-200" aria-live="polite" data-testid="accepted-count">
              Accepted {mode === 'camera' ? 'shots' : 'faces'}:{' '}
              <strong className={ready ? 'text-emerald-300' : 'text-slate-100'}>{accepted}</strong>
              {mode === 'camera' && <> of {REQUIRED_SHOTS}</>}
            </p>
          </div>

          {mode === 'camera' && (
            <GuidedShots
              videoRef={camera.videoRef}
              camera={camera}
              onRetryCamera={() => void startCamera()}
              shots={shots.shots}
              attempt={shots.attempt}
              ready={ready}
              onCapture={() => void shots.capture(reg.clearError)}
              onCancel={shots.cancel}
            />
          )}

          {mode === 'upload' && <PhotoUpload getPersonId={async () => (await reg.ensurePerson()).id} onUploaded={reg.onResult} />}

          {person && (
            <RegistrationOutcome
              person={person}
              mode={mode}
              ready={ready}
              showEmpty={accepted === 0 && reg.tried && !shots.capturing}
              deleting={reg.deleting}
              onRestart={restart}
              onDelete={() => void reg.removePerson().then((removed) => removed && shots.reset())}
            />
          )}
        </section>
      )}
    </div>
  );
}
